package io.tandem.controller.errorreport;

import io.tandem.controller.rest.ApiCallRc;
import io.tandem.controller.rest.Page;
import java.util.List;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/v1/error-reports")
class ErrorReportApi {
    private final ErrorReportService service;

    ErrorReportApi(ErrorReportService service) {
        this.service = service;
    }

    @GetMapping
    List<ErrorReportDto> list(@RequestParam(required = false) String node,
                              @RequestParam(required = false) Long since,
                              @RequestParam(required = false) Long to,
                              @RequestParam(required = false) String exception,
                              @RequestParam(required = false) String version,
                              @RequestParam(required = false) String id,
                              @RequestParam(name = "withContent", required = false) Boolean withContent,
                              @RequestParam(required = false) Integer offset,
                              @RequestParam(required = false) Integer limit) {
        return service.list(new ErrorReportQuery(node, since, to, exception, version, id,
                Boolean.TRUE.equals(withContent), Page.of(offset, limit)));
    }

    /** LINSTOR answers a single report as a one-element list. */
    @GetMapping("/{reportId}")
    List<ErrorReportDto> get(@PathVariable String reportId) {
        return List.of(service.get(reportId));
    }

    @DeleteMapping("/{reportId}")
    List<ApiCallRc> delete(@PathVariable String reportId) {
        return service.delete(reportId);
    }

    @PatchMapping
    List<ApiCallRc> deleteMatching(@RequestBody ErrorReportDeleteDto filter) {
        return service.deleteMatching(filter);
    }
}
