package io.tandem.controller.errorreport;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;

interface ErrorReportRepository extends JpaRepository<ErrorReport, String>, JpaSpecificationExecutor<ErrorReport> {
}
