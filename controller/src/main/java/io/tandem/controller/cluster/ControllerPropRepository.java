package io.tandem.controller.cluster;

import org.springframework.data.jpa.repository.JpaRepository;

interface ControllerPropRepository extends JpaRepository<ControllerProp, String> {
}
