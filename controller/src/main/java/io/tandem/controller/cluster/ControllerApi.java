package io.tandem.controller.cluster;

import io.tandem.controller.rest.ApiCallRc;
import io.tandem.controller.rest.PropsModify;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.http.HttpStatus;

@RestController
@RequestMapping("/v1/controller")
class ControllerApi {
    private final ControllerIdentity identity;
    private final ControllerPropsService props;

    ControllerApi(ControllerIdentity identity, ControllerPropsService props) {
        this.identity = identity;
        this.props = props;
    }

    @GetMapping("/version")
    ControllerVersionDto version() {
        return new ControllerVersionDto(identity.version(), identity.gitHash(), identity.buildTime(),
                ControllerIdentity.REST_API_VERSION);
    }

    @GetMapping("/properties")
    Map<String, String> properties() {
        return props.all();
    }

    /** 201, as LINSTOR answers this call. */
    @PostMapping("/properties")
    @ResponseStatus(HttpStatus.CREATED)
    List<ApiCallRc> modify(@RequestBody PropsModify modify) {
        return props.modify(modify);
    }

    /** The key contains '/', sent raw ({@code Aux/site}) or encoded ({@code Aux%2Fsite}). */
    @DeleteMapping("/properties/{*key}")
    List<ApiCallRc> delete(@PathVariable String key) {
        return props.delete(key.startsWith("/") ? key.substring(1) : key);
    }
}
