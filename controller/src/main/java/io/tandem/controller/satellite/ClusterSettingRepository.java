package io.tandem.controller.satellite;

import org.springframework.data.jpa.repository.JpaRepository;

interface ClusterSettingRepository extends JpaRepository<ClusterSetting, String> {
}
