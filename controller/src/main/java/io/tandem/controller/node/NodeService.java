package io.tandem.controller.node;

import io.tandem.controller.rest.ApiCallRc;
import io.tandem.controller.rest.ApiException;
import io.tandem.controller.rest.EnumInput;
import io.tandem.controller.rest.Name;
import io.tandem.controller.rest.NameFilter;
import io.tandem.controller.rest.NameRule;
import io.tandem.controller.rest.NodeName;
import io.tandem.controller.rest.Page;
import io.tandem.controller.rest.PropsFilter;
import io.tandem.controller.rest.PropsModify;
import io.tandem.controller.rest.RetCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Nodes and net interfaces; each public method is one transaction. */
@Service
public class NodeService {
    private static final long NODE = RetCode.MASK_NODE;
    /** The host name the node's satellite reported (LINSTOR's property of that name). */
    static final String PROP_NODE_UNAME = "NodeUname";
    private static final long NET_IF = RetCode.MASK_NET_IF;

    private final NodeRepository nodes;
    private final ApplicationEventPublisher events;
    private final NodeObservations observations;

    NodeService(NodeRepository nodes, ApplicationEventPublisher events, NodeObservations observations) {
        this.nodes = nodes;
        this.events = events;
        this.observations = observations;
    }

    /** The node called {@code name} (any case), or a 404 naming it. */
    @Transactional(readOnly = true)
    public Node require(String name) {
        return nodes.findByNameKey(name.toUpperCase(Locale.ROOT)).orElseThrow(() -> ApiException.notFound(
                RetCode.FAIL_NOT_FOUND_NODE, "Node '%s' not found.".formatted(name),
                "Create the node first (POST /v1/nodes) or check the name with GET /v1/nodes.",
                Map.of("Node", name)));
    }

    @Transactional(readOnly = true)
    public java.util.Optional<Node> find(String name) {
        return nodes.findByNameKey(name.toUpperCase(Locale.ROOT));
    }

    @Transactional(readOnly = true)
    public java.util.Optional<Node> find(java.util.UUID id) {
        return nodes.findById(id);
    }

    @Transactional(readOnly = true)
    public List<Node> all() {
        return nodes.findAllByOrderByNameKey();
    }

    /** What the controller currently knows of a node from its satellite. */
    public NodeObservation observed(Node node) {
        return observations.of(node.id());
    }

    @Transactional(readOnly = true)
    public List<NodeDto> list(List<String> names, List<String> props, Page page) {
        NameFilter nameFilter = NameFilter.of(names);
        PropsFilter propsFilter = new PropsFilter(props);
        List<NodeDto> matching = nodes.findAllByOrderByNameKey().stream()
                .filter(n -> nameFilter.matches(n.name()) && propsFilter.matches(n.props()))
                .map(this::toDto)
                .toList();
        return page.apply(matching);
    }

    @Transactional(readOnly = true)
    public NodeDto get(String name) {
        return toDto(require(name));
    }

    @Transactional
    public List<ApiCallRc> create(NodeDto request) {
        NodeName name = new NodeName(request.name());
        Map<String, String> refs = Map.of("Node", name.value());
        NodeType type = EnumInput.parse(NodeType.class, request.type(), "node type", RetCode.FAIL_INVLD_NODE_TYPE, refs);
        Map<String, String> props = request.props() == null ? Map.of() : request.props();
        new PropsModify(props, null, null).validate(refs);
        List<NetInterfaceDto> interfaces = request.netInterfaces() == null ? List.of() : request.netInterfaces();
        if (interfaces.isEmpty()) {
            throw ApiException.invalid(RetCode.FAIL_MISSING_NETCOM,
                    "Node '%s' has no net interface.".formatted(name),
                    "The controller reaches a node's satellite through the node's active net interface.",
                    "Add at least one entry to net_interfaces, e.g. {\"name\":\"default\",\"address\":\"10.0.0.1\"}.",
                    refs);
        }
        long activeCount = interfaces.stream().filter(i -> Boolean.TRUE.equals(i.isActive())).count();
        if (activeCount > 1) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_NET_NAME,
                    "Node '%s' has %d active net interfaces.".formatted(name, activeCount),
                    "Exactly one net interface is the one the controller uses.",
                    "Mark only one net interface with is_active=true.", refs);
        }
        if (nodes.findByNameKey(name.key()).isPresent()) {
            throw ApiException.conflict(RetCode.FAIL_EXISTS_NODE, "Node '%s' already exists.".formatted(name),
                    "Node names are unique, regardless of case.",
                    "Choose another name, or delete the existing node first.", refs);
        }

        Node node = new Node(name, type, props);
        Set<String> seen = new HashSet<>();
        for (NetInterfaceDto dto : interfaces) {
            NetInterface netInterface = newNetInterface(node, dto);
            if (!seen.add(netInterface.nameKey())) {
                throw ApiException.invalid(RetCode.FAIL_INVLD_NET_NAME,
                        "Net interface '%s' is given twice.".formatted(netInterface.name()),
                        "Net interface names are unique per node, regardless of case.",
                        "Give each net interface its own name.", refs);
            }
            node.addNetInterface(netInterface);
            if (Boolean.TRUE.equals(dto.isActive())) {
                node.activate(netInterface);
            }
        }
        if (activeCount == 0) {
            node.activate(node.netInterfaces().get(0));
        }
        nodes.save(node);
        events.publishEvent(new NodeEvent.Created(node));
        return List.of(ApiCallRc.success(RetCode.MASK_CRT | NODE | RetCode.CREATED,
                "New node '%s' registered.".formatted(name), "Node '%s' UUID is: %s".formatted(name, node.id()), refs));
    }

    @Transactional
    public List<ApiCallRc> modify(String nodeName, NodeModifyDto request) {
        Node node = require(nodeName);
        Map<String, String> refs = Map.of("Node", node.name());
        List<ApiCallRc> answer = new ArrayList<>();
        if (request.nodeType() != null && !request.nodeType().isBlank()) {
            NodeType newType = EnumInput.parse(NodeType.class, request.nodeType(), "node type",
                    RetCode.FAIL_INVLD_NODE_TYPE, refs);
            NodeType previous = node.type();
            if (newType != previous) {
                node.setType(newType);
                events.publishEvent(new NodeEvent.TypeChanged(node, previous));
            }
        }
        answer.addAll(request.propsModify().applyTo(node.props(), NODE, refs));
        events.publishEvent(new NodeEvent.Changed(node));
        answer.add(ApiCallRc.success(RetCode.MASK_MOD | NODE | RetCode.MODIFIED,
                "Node '%s' modified.".formatted(node.name()), "Node '%s' UUID is: %s".formatted(node.name(), node.id()),
                refs));
        return answer;
    }

    @Transactional
    public List<ApiCallRc> delete(String nodeName) {
        Node node = require(nodeName);
        events.publishEvent(new NodeEvent.Deleting(node));
        nodes.delete(node);
        return List.of(ApiCallRc.success(RetCode.MASK_DEL | NODE | RetCode.DELETED,
                "Node '%s' deleted.".formatted(node.name()), "Node '%s' UUID was: %s".formatted(node.name(), node.id()),
                Map.of("Node", node.name())));
    }

    /**
     * LINSTOR's "node lost": the node is gone for good, so everything placed on it is removed at
     * once, without waiting for its satellite, and then the node itself.
     */
    @Transactional
    public List<ApiCallRc> lost(String nodeName) {
        Node node = require(nodeName);
        List<ApiCallRc> answer = new ArrayList<>();
        events.publishEvent(new NodeEvent.Lost(node, answer));
        events.publishEvent(new NodeEvent.Deleting(node));
        nodes.delete(node);
        answer.add(ApiCallRc.success(RetCode.MASK_DEL | NODE | RetCode.DELETED,
                "Node '%s' declared lost and deleted.".formatted(node.name()),
                "Node '%s' UUID was: %s".formatted(node.name(), node.id()), Map.of("Node", node.name())));
        return answer;
    }

    // ---- net interfaces ------------------------------------------------------------------------

    @Transactional(readOnly = true)
    public List<NetInterfaceDto> listNetInterfaces(String nodeName) {
        return require(nodeName).netInterfaces().stream().map(NodeService::toDto).toList();
    }

    @Transactional(readOnly = true)
    public NetInterfaceDto getNetInterface(String nodeName, String netInterfaceName) {
        Node node = require(nodeName);
        return toDto(requireNetInterface(node, netInterfaceName));
    }

    @Transactional
    public List<ApiCallRc> createNetInterface(String nodeName, NetInterfaceDto request) {
        Node node = require(nodeName);
        NetInterface netInterface = newNetInterface(node, request);
        Map<String, String> refs = Map.of("Node", node.name(), "NetIf", netInterface.name());
        if (node.netInterface(netInterface.nameKey()).isPresent()) {
            throw ApiException.conflict(RetCode.FAIL_EXISTS_NET_IF,
                    "Net interface '%s' already exists on node '%s'.".formatted(netInterface.name(), node.name()),
                    "Net interface names are unique per node, regardless of case.",
                    "Choose another name, or change the existing interface with PUT.", refs);
        }
        node.addNetInterface(netInterface);
        if (Boolean.TRUE.equals(request.isActive()) || node.activeNetInterface().isEmpty()) {
            node.activate(netInterface);
        }
        events.publishEvent(new NodeEvent.Changed(node));
        return List.of(ApiCallRc.success(RetCode.MASK_CRT | NET_IF | RetCode.CREATED,
                "New net interface '%s' on node '%s' created.".formatted(netInterface.name(), node.name()),
                "Net interface '%s' UUID is: %s".formatted(netInterface.name(), netInterface.id()), refs));
    }

    @Transactional
    public List<ApiCallRc> modifyNetInterface(String nodeName, String netInterfaceName, NetInterfaceDto request) {
        Node node = require(nodeName);
        NetInterface netInterface = requireNetInterface(node, netInterfaceName);
        Map<String, String> refs = Map.of("Node", node.name(), "NetIf", netInterface.name());
        if (request.name() != null && !request.name().equalsIgnoreCase(netInterface.name())) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_NET_NAME,
                    "A net interface cannot be renamed ('%s' to '%s').".formatted(netInterface.name(), request.name()),
                    "The name in the body must match the name in the path, or be left out.",
                    "Create a new interface with the new name and delete the old one.", refs);
        }
        EncryptionType encryption = request.satelliteEncryptionType() == null ? netInterface.encryptionType()
                : EnumInput.parse(EncryptionType.class, request.satelliteEncryptionType(),
                        "satellite encryption type", RetCode.FAIL_INVLD_ENCRYPT_TYPE, refs);
        if (request.address() != null) {
            netInterface.setAddress(validAddress(request.address(), refs));
        }
        if (request.satellitePort() != null) {
            netInterface.setSatellitePort(validPort(request.satellitePort(), refs));
        } else if (encryption != netInterface.encryptionType()) {
            netInterface.setSatellitePort(encryption.defaultPort());
        }
        netInterface.setEncryptionType(encryption);
        if (Boolean.TRUE.equals(request.isActive())) {
            node.activate(netInterface);
        } else if (Boolean.FALSE.equals(request.isActive()) && netInterface.isActive()) {
            throw ApiException.conflict(RetCode.FAIL_INVLD_NET_NAME,
                    "Net interface '%s' cannot simply be deactivated.".formatted(netInterface.name()),
                    "A node always has exactly one active net interface.",
                    "Activate another interface instead (PUT it with is_active=true).", refs);
        }
        events.publishEvent(new NodeEvent.Changed(node));
        return List.of(ApiCallRc.success(RetCode.MASK_MOD | NET_IF | RetCode.MODIFIED,
                "Net interface '%s' on node '%s' modified.".formatted(netInterface.name(), node.name()), refs));
    }

    @Transactional
    public List<ApiCallRc> deleteNetInterface(String nodeName, String netInterfaceName) {
        Node node = require(nodeName);
        NetInterface netInterface = requireNetInterface(node, netInterfaceName);
        Map<String, String> refs = Map.of("Node", node.name(), "NetIf", netInterface.name());
        if (node.netInterfaces().size() == 1) {
            throw ApiException.conflict(RetCode.FAIL_IN_USE,
                    "Net interface '%s' is the only one of node '%s'.".formatted(netInterface.name(), node.name()),
                    "Without a net interface the controller cannot reach the node.",
                    "Add another net interface first, or delete the node.", refs);
        }
        if (netInterface.isActive()) {
            throw ApiException.conflict(RetCode.FAIL_IN_USE,
                    "Net interface '%s' is the active interface of node '%s'.".formatted(netInterface.name(),
                            node.name()),
                    "The controller uses the active interface to reach the satellite.",
                    "Activate another interface first (PUT it with is_active=true), then delete this one.", refs);
        }
        node.removeNetInterface(netInterface);
        events.publishEvent(new NodeEvent.Changed(node));
        return List.of(ApiCallRc.success(RetCode.MASK_DEL | NET_IF | RetCode.DELETED,
                "Net interface '%s' of node '%s' deleted.".formatted(netInterface.name(), node.name()), refs));
    }

    // ---- helpers -------------------------------------------------------------------------------

    private NetInterface requireNetInterface(Node node, String netInterfaceName) {
        return node.netInterface(netInterfaceName.toUpperCase(Locale.ROOT)).orElseThrow(() -> ApiException.notFound(
                RetCode.FAIL_NOT_FOUND_NET_IF,
                "Net interface '%s' not found on node '%s'.".formatted(netInterfaceName, node.name()),
                "List the node's interfaces with GET /v1/nodes/%s/net-interfaces.".formatted(node.name()),
                Map.of("Node", node.name(), "NetIf", netInterfaceName)));
    }

    private static NetInterface newNetInterface(Node node, NetInterfaceDto dto) {
        Map<String, String> refs = Map.of("Node", node.name());
        Name name = Name.of(NameRule.NET_INTERFACE, dto.name());
        String address = validAddress(dto.address(), refs);
        EncryptionType encryption = dto.satelliteEncryptionType() == null ? EncryptionType.PLAIN
                : EnumInput.parse(EncryptionType.class, dto.satelliteEncryptionType(), "satellite encryption type",
                        RetCode.FAIL_INVLD_ENCRYPT_TYPE, refs);
        int port = dto.satellitePort() == null ? encryption.defaultPort() : validPort(dto.satellitePort(), refs);
        return new NetInterface(node, name, address, port, encryption);
    }

    private static String validAddress(String address, Map<String, String> refs) {
        if (!IpAddress.isLiteral(address)) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_NET_ADDR,
                    address == null || address.isEmpty() ? "The net interface address is missing."
                            : "Invalid net interface address '%s'.".formatted(address),
                    "The address must be an IPv4 or IPv6 address, not a host name.",
                    "Send the IP address at which the satellite listens, e.g. 10.0.0.1.", refs);
        }
        return address;
    }

    private static int validPort(int port, Map<String, String> refs) {
        if (port < 1 || port > 65535) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_NET_PORT, "Invalid satellite port %d.".formatted(port),
                    "A TCP port is between 1 and 65535.",
                    "Send the port the satellite listens on (3366 for plain, 3367 for SSL by default).", refs);
        }
        return port;
    }

    NodeDto toDto(Node node) {
        NodeObservation observed = observed(node);
        Map<String, String> props = new TreeMap<>(node.props());
        if (observed.hostname() != null) {
            // what the satellite reported at login, shown where LINSTOR shows it; never stored
            props.put(PROP_NODE_UNAME, observed.hostname());
        }
        return new NodeDto(node.name(), node.type().name(), NodeFlag.names(node.flags()), props,
                node.netInterfaces().stream().map(NodeService::toDto).toList(), observed.status().name(),
                node.id().toString(), observed.storageProviders(),
                observed.online() ? List.of("DRBD", "STORAGE") : null, observed.unsupportedProviders(), null, null);
    }

    private static NetInterfaceDto toDto(NetInterface netInterface) {
        return new NetInterfaceDto(netInterface.name(), netInterface.address(), netInterface.satellitePort(),
                netInterface.encryptionType() == null ? null : netInterface.encryptionType().name(),
                netInterface.isActive(), netInterface.id().toString());
    }
}
