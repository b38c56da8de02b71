package io.tandem.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.client.ApiClient;
import io.tandem.client.ApiException;
import io.tandem.client.api.ControllerApi;
import io.tandem.client.api.ErrorReportsApi;
import io.tandem.client.api.HealthApi;
import io.tandem.client.api.KeyValueStoreApi;
import io.tandem.client.api.NodesApi;
import io.tandem.client.api.ResourceDefinitionsApi;
import io.tandem.client.api.ResourcesApi;
import io.tandem.client.api.StoragePoolsApi;
import io.tandem.client.model.ApiCallRc;
import io.tandem.client.model.ControllerPropsModify;
import io.tandem.client.model.EncryptionType;
import io.tandem.client.model.ErrorReportDelete;
import io.tandem.client.model.KeyValueStoreModify;
import io.tandem.client.model.LayerType;
import io.tandem.client.model.NetInterface;
import io.tandem.client.model.Node;
import io.tandem.client.model.NodeModify;
import io.tandem.client.model.NodeType;
import io.tandem.client.model.ProviderKind;
import io.tandem.client.model.Resource;
import io.tandem.client.model.ResourceCreate;
import io.tandem.client.model.ResourceDefinition;
import io.tandem.client.model.ResourceDefinitionCreate;
import io.tandem.client.model.ResourceDefinitionLayer;
import io.tandem.client.model.ResourceDefinitionModify;
import io.tandem.client.model.ResourceModify;
import io.tandem.client.model.ResourceWithVolumes;
import io.tandem.client.model.StoragePool;
import io.tandem.client.model.StoragePoolDefinition;
import io.tandem.client.model.StoragePoolDefinitionModify;
import io.tandem.client.model.Volume;
import io.tandem.client.model.VolumeDefinition;
import io.tandem.client.model.VolumeDefinitionCreate;
import io.tandem.client.model.VolumeDefinitionModify;
import io.tandem.client.model.VolumeModify;
import io.tandem.controller.resource.ResourceService;
import io.tandem.controller.rest.RetCode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * The API walked through the Java client generated from openapi.yaml, so that every call also
 * proves the spec matches the server. Run on H2 and on PostgreSQL by the implementing classes.
 */
interface ApiScenarios {
    AtomicInteger NAMES = new AtomicInteger();

    int port();

    /** The hook the satellite link calls when a satellite confirms a removal. */
    ResourceService resourceService();

    default ApiClient client() {
        ApiClient client = new ApiClient();
        client.updateBaseUri("http://127.0.0.1:" + port());
        return client;
    }

    default String name(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
    }

    default Node satellite(String name, String address) {
        return new Node().name(name).type(NodeType.SATELLITE)
                .netInterfaces(new java.util.ArrayList<>(List.of(new NetInterface().name("default").address(address))));
    }

    /** Asserts the call fails with {@code status} and an ApiCallRc list whose first entry has {@code retCode}. */
    static void assertRefused(ThrowableAssert.ThrowingCallable call, int status, long retCode) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.getCode()).as(e.getResponseBody()).isEqualTo(status);
            assertThat(e.getResponseBody()).contains("\"ret_code\":" + retCode);
            assertThat(e.getResponseBody()).contains("\"message\"", "\"correction\"");
        });
    }

    @Test
    default void versionAndHealth() throws ApiException {
        assertThat(new ControllerApi(client()).controllerVersion().getRestApiVersion()).isEqualTo("1.28.0");
        new HealthApi(client()).healthCheck();
    }

    @Test
    default void nodeLifeCycle() throws ApiException {
        NodesApi nodes = new NodesApi(client());
        String name = name("node");
        List<ApiCallRc> created = nodes.nodeCreate(satellite(name, "192.168.10.1").props(Map.of("Aux/zone", "a")));
        assertThat(created).extracting(ApiCallRc::getRetCode)
                .contains(RetCode.MASK_CRT | RetCode.MASK_NODE | RetCode.CREATED);

        Node node = nodes.nodeGet(name.toUpperCase());
        assertThat(node.getName()).isEqualTo(name);
        assertThat(node.getType()).isEqualTo(NodeType.SATELLITE);
        assertThat(node.getProps()).containsEntry("Aux/zone", "a");
        assertThat(node.getNetInterfaces()).singleElement().satisfies(netIf -> {
            assertThat(netIf.getIsActive()).isTrue();
            assertThat(netIf.getSatellitePort()).isEqualTo(3366);
            assertThat(netIf.getSatelliteEncryptionType()).isEqualTo(EncryptionType.PLAIN);
        });
        assertThat(node.getConnectionStatus()).isNotNull();
        assertThat(nodes.nodeList(List.of(name), null, 0, 0)).extracting(Node::getName).containsExactly(name);
        assertThat(nodes.nodeList(null, List.of("Aux/zone=a"), null, null)).extracting(Node::getName).contains(name);
        assertThat(nodes.nodeList(null, List.of("Aux/zone=b"), null, null)).extracting(Node::getName)
                .doesNotContain(name);

        // every satellite node has the diskless pool
        assertThat(new StoragePoolsApi(client()).storagePoolList(name, null, null, null, null, null))
                .extracting(StoragePool::getStoragePoolName, StoragePool::getProviderKind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("DfltDisklessStorPool", ProviderKind.DISKLESS));

        nodes.nodeModify(name, new NodeModify().overrideProps(Map.of("Aux/rack", "r7")).deleteProps(List.of("Aux/zone")));
        assertThat(nodes.nodeGet(name).getProps()).containsExactly(Map.entry("Aux/rack", "r7"));

        // net interfaces
        nodes.netInterfaceCreate(name, new NetInterface().name("backup").address("fd00::7").satellitePort(3400));
        assertThat(nodes.netInterfaceList(name)).extracting(NetInterface::getName).containsExactly("backup", "default");
        assertRefused(() -> nodes.netInterfaceDelete(name, "default"), 409, RetCode.FAIL_IN_USE);
        nodes.netInterfaceModify(name, "backup", new NetInterface().name("backup").address("fd00::8").isActive(true));
        NetInterface backup = nodes.netInterfaceGet(name, "BACKUP");
        assertThat(backup.getAddress()).isEqualTo("fd00::8");
        assertThat(backup.getIsActive()).isTrue();
        assertThat(nodes.netInterfaceGet(name, "default").getIsActive()).isFalse();
        nodes.netInterfaceDelete(name, "default");
        assertRefused(() -> nodes.netInterfaceDelete(name, "backup"), 409, RetCode.FAIL_IN_USE);
        assertRefused(() -> nodes.netInterfaceGet(name, "default"), 404, RetCode.FAIL_NOT_FOUND_NET_IF);
        assertRefused(() -> nodes.netInterfaceCreate(name, new NetInterface().name("x").address("1.2.3.4")), 400,
                RetCode.FAIL_INVLD_NET_NAME);
        assertRefused(() -> nodes.netInterfaceCreate(name, new NetInterface().name("third").address("host.example")),
                400, RetCode.FAIL_INVLD_NET_ADDR);
        assertRefused(() -> nodes.netInterfaceCreate(name, new NetInterface().name("BACKUP").address("1.2.3.4")),
                409, RetCode.FAIL_EXISTS_NET_IF);

        nodes.nodeDelete(name);
        assertRefused(() -> nodes.nodeGet(name), 404, RetCode.FAIL_NOT_FOUND_NODE);
        assertRefused(() -> nodes.nodeDelete(name), 404, RetCode.FAIL_NOT_FOUND_NODE);
        assertThat(new StoragePoolsApi(client()).viewStoragePools(List.of(name), null, null, null, null, null))
                .isEmpty();
    }

    @Test
    default void badNodesAreRefusedWithoutAnyTrace() throws ApiException {
        NodesApi nodes = new NodesApi(client());
        String name = name("partial");
        // the second interface is invalid: nothing of the request may remain
        Node twoInterfaces = satellite(name, "10.1.1.1");
        twoInterfaces.addNetInterfacesItem(new NetInterface().name("second").address("999.1.1.1"));
        assertRefused(() -> nodes.nodeCreate(twoInterfaces), 400, RetCode.FAIL_INVLD_NET_ADDR);
        assertRefused(() -> nodes.nodeGet(name), 404, RetCode.FAIL_NOT_FOUND_NODE);

        assertRefused(() -> nodes.nodeCreate(new Node().name(name).type(NodeType.SATELLITE)), 400,
                RetCode.FAIL_MISSING_NETCOM);
        assertRefused(() -> nodes.nodeCreate(satellite("no_underscores", "10.1.1.1")), 400,
                RetCode.FAIL_INVLD_NODE_NAME);
        Node badPort = satellite(name, "10.1.1.1");
        badPort.getNetInterfaces().get(0).satellitePort(70000);
        assertRefused(() -> nodes.nodeCreate(badPort), 400, RetCode.FAIL_INVLD_NET_PORT);
        Node badProp = satellite(name, "10.1.1.1").props(Map.of("bad key", "v"));
        assertRefused(() -> nodes.nodeCreate(badProp), 400, RetCode.FAIL_INVLD_PROP);
        assertRefused(() -> nodes.nodeGet(name), 404, RetCode.FAIL_NOT_FOUND_NODE);
    }

    @Test
    default void nodeTypeDecidesAboutStorage() throws ApiException {
        NodesApi nodes = new NodesApi(client());
        StoragePoolsApi pools = new StoragePoolsApi(client());
        String name = name("ctrl");
        nodes.nodeCreate(new Node().name(name).type(NodeType.CONTROLLER)
                .netInterfaces(List.of(new NetInterface().name("default").address("10.2.2.2"))));
        assertThat(pools.storagePoolList(name, null, null, null, null, null)).isEmpty();
        assertRefused(() -> pools.storagePoolCreate(name, new StoragePool().storagePoolName("pool1")
                .providerKind(ProviderKind.FILE).props(Map.of("StorDriver/FileDir", "/srv/pool1"))), 400,
                RetCode.FAIL_INVLD_NODE_TYPE);
        nodes.nodeModify(name, new NodeModify().nodeType(NodeType.COMBINED));
        assertThat(pools.storagePoolList(name, null, null, null, null, null))
                .extracting(StoragePool::getStoragePoolName).containsExactly("DfltDisklessStorPool");
        pools.storagePoolCreate(name, new StoragePool().storagePoolName("pool1").providerKind(ProviderKind.FILE)
                .props(Map.of("StorDriver/FileDir", "/srv/pool1")));
        assertRefused(() -> nodes.nodeModify(name, new NodeModify().nodeType(NodeType.CONTROLLER)), 409,
                RetCode.FAIL_IN_USE);
        assertThat(nodes.nodeGet(name).getType()).isEqualTo(NodeType.COMBINED);
        nodes.nodeDelete(name);
    }

    @Test
    default void storagePools() throws ApiException {
        NodesApi nodes = new NodesApi(client());
        StoragePoolsApi pools = new StoragePoolsApi(client());
        String alpha = name("alpha");
        String bravo = name("bravo");
        nodes.nodeCreate(satellite(alpha, "10.3.0.1"));
        nodes.nodeCreate(satellite(bravo, "10.3.0.2"));
        String pool = name("pool");

        List<ApiCallRc> created = pools.storagePoolCreate(alpha, new StoragePool().storagePoolName(pool)
                .providerKind(ProviderKind.FILE_THIN).props(Map.of("StorDriver/StorPoolName", "/srv/tandem/./" + pool)));
        assertThat(created).extracting(ApiCallRc::getRetCode).containsExactly(
                RetCode.MASK_CRT | RetCode.MASK_STOR_POOL_DFN | RetCode.CREATED,
                RetCode.MASK_CRT | RetCode.MASK_STOR_POOL | RetCode.CREATED);
        pools.storagePoolCreate(bravo, new StoragePool().storagePoolName(pool.toUpperCase())
                .providerKind(ProviderKind.FILE).props(Map.of("StorDriver/FileDir", "/srv/tandem/" + pool)));

        StoragePool thin = pools.storagePoolGet(alpha, pool);
        assertThat(thin.getProviderKind()).isEqualTo(ProviderKind.FILE_THIN);
        assertThat(thin.getProps()).containsEntry("StorDriver/FileDir", "/srv/tandem/" + pool)
                .containsEntry("StorDriver/StorPoolName", "/srv/tandem/" + pool);
        assertThat(thin.getStaticTraits()).containsEntry("Provisioning", "Thin");
        assertThat(thin.getFreeSpaceMgrName()).isEqualTo(alpha + ";" + pool);
        // the satellite is not connected: no capacity is invented, the pool says why
        assertThat(thin.getFreeCapacity()).isNull();
        assertThat(thin.getReports()).singleElement()
                .satisfies(r -> assertThat(r.getRetCode()).isEqualTo(RetCode.WARN_NOT_CONNECTED | RetCode.MASK_STOR_POOL));
        // the definition keeps the name as first spelled
        assertThat(pools.storagePoolGet(bravo, pool).getStoragePoolName()).isEqualTo(pool);

        assertThat(pools.viewStoragePools(List.of(alpha, bravo), List.of(pool), null, 0, 0, true))
                .extracting(StoragePool::getNodeName).containsExactly(alpha, bravo);
        assertThat(pools.viewStoragePools(List.of(alpha, bravo), null, null, null, null, null)).hasSize(4);
        assertThat(pools.viewStoragePools(List.of(alpha, bravo), null, null, 1, 2, null)).hasSize(2);

        // LVM and ZFS kinds are accepted (their tools are checked on the node later)
        pools.storagePoolCreate(alpha, new StoragePool().storagePoolName(name("lvm")).providerKind(ProviderKind.LVM_THIN)
                .props(Map.of("StorDriver/StorPoolName", "vg0/thin")));
        pools.storagePoolCreate(alpha, new StoragePool().storagePoolName(name("zfs")).providerKind(ProviderKind.ZFS)
                .props(Map.of("StorDriver/StorPoolName", "tank/tandem")));

        // bad input
        assertRefused(() -> pools.storagePoolCreate(alpha, new StoragePool().storagePoolName(pool)
                .providerKind(ProviderKind.FILE).props(Map.of("StorDriver/FileDir", "/other"))), 409,
                RetCode.FAIL_EXISTS_STOR_POOL);
        assertRefused(() -> pools.storagePoolCreate(alpha, new StoragePool().storagePoolName(name("nodir"))
                .providerKind(ProviderKind.FILE)), 400, RetCode.FAIL_MISSING_PROPS);
        assertRefused(() -> pools.storagePoolCreate(alpha, new StoragePool().storagePoolName(name("reldir"))
                .providerKind(ProviderKind.FILE).props(Map.of("StorDriver/FileDir", "relative/dir"))), 400,
                RetCode.FAIL_INVLD_PROP);
        assertRefused(() -> pools.storagePoolCreate(alpha, new StoragePool().storagePoolName(name("lvmthin"))
                .providerKind(ProviderKind.LVM_THIN).props(Map.of("StorDriver/StorPoolName", "novg"))), 400,
                RetCode.FAIL_INVLD_PROP);
        assertRefused(() -> pools.storagePoolCreate(name("ghost"), new StoragePool().storagePoolName(name("p"))
                .providerKind(ProviderKind.DISKLESS)), 404, RetCode.FAIL_NOT_FOUND_NODE);
        assertRefused(() -> pools.storagePoolGet(alpha, "nosuchpool"), 404, RetCode.FAIL_NOT_FOUND_STOR_POOL);
        String orphan = name("orphan");
        assertRefused(() -> pools.storagePoolCreate(alpha, new StoragePool().storagePoolName(orphan)
                .providerKind(ProviderKind.FILE)), 400, RetCode.FAIL_MISSING_PROPS);
        assertRefused(() -> pools.storagePoolDefinitionGet(orphan), 404, RetCode.FAIL_NOT_FOUND_STOR_POOL_DFN);

        // the backing storage of a pool is fixed; other props change
        assertRefused(() -> pools.storagePoolModify(alpha, pool, new StoragePoolDefinitionModify()
                .overrideProps(Map.of("StorDriver/FileDir", "/elsewhere"))), 400, RetCode.FAIL_INVLD_PROP);
        pools.storagePoolModify(alpha, pool, new StoragePoolDefinitionModify()
                .overrideProps(Map.of("MaxOversubscriptionRatio", "3")));
        assertThat(pools.storagePoolGet(alpha, pool).getProps()).containsEntry("MaxOversubscriptionRatio", "3");

        // definitions
        assertRefused(() -> pools.storagePoolDefinitionDelete(pool), 409, RetCode.FAIL_IN_USE);
        assertRefused(() -> pools.storagePoolDefinitionDelete("DfltDisklessStorPool"), 409, RetCode.FAIL_IN_USE);
        pools.storagePoolDelete(alpha, pool);
        pools.storagePoolDelete(bravo, pool);
        assertRefused(() -> pools.storagePoolDelete(bravo, pool), 404, RetCode.FAIL_NOT_FOUND_STOR_POOL);
        pools.storagePoolDefinitionModify(pool, new StoragePoolDefinitionModify().overrideProps(Map.of("Aux/x", "1")));
        assertThat(pools.storagePoolDefinitionGet(pool).getProps()).containsEntry("Aux/x", "1");
        pools.storagePoolDefinitionDelete(pool);
        String standalone = name("standalone");
        pools.storagePoolDefinitionCreate(new StoragePoolDefinition().storagePoolName(standalone));
        assertRefused(() -> pools.storagePoolDefinitionCreate(new StoragePoolDefinition().storagePoolName(standalone)),
                409, RetCode.FAIL_EXISTS_STOR_POOL_DFN);
        assertThat(pools.storagePoolDefinitionList(null, null)).extracting(StoragePoolDefinition::getStoragePoolName)
                .contains(standalone, "DfltDisklessStorPool");

        // deleting a node takes its (empty) pools with it
        nodes.nodeDelete(alpha);
        assertThat(pools.viewStoragePools(List.of(alpha), null, null, null, null, null)).isEmpty();
        nodes.nodeDelete(bravo);
    }

    @Test
    default void controllerProperties() throws ApiException {
        ControllerApi controller = new ControllerApi(client());
        String key = "Aux/" + name("site") + "/name";
        controller.controllerPropertyModify(new ControllerPropsModify().overrideProps(Map.of(key, "berlin")));
        assertThat(controller.controllerPropertyList()).containsEntry(key, "berlin");
        // the generated client sends the key URL-encoded (%2F)
        controller.controllerPropertyDelete(key);
        assertThat(controller.controllerPropertyList()).doesNotContainKey(key);
        assertRefused(() -> controller.controllerPropertyDelete(key), 404, RetCode.WARN_NOT_FOUND | RetCode.MASK_ERROR);
        assertRefused(() -> controller.controllerPropertyModify(new ControllerPropsModify()
                .overrideProps(Map.of("a//b", "x"))), 400, RetCode.FAIL_INVLD_PROP);
    }

    @Test
    default void keyValueStore() throws ApiException {
        KeyValueStoreApi store = new KeyValueStoreApi(client());
        String instance = name("csi");
        store.keyValueStoreModify(instance, new KeyValueStoreModify().overrideProps(Map.of("pvc-1", "a", "pvc-2", "b")));
        store.keyValueStoreModify(instance.toUpperCase(), new KeyValueStoreModify().deleteProps(List.of("pvc-1")));
        assertThat(store.keyValueStoreGet(instance)).singleElement().satisfies(kv -> {
            assertThat(kv.getName()).isEqualTo(instance);
            assertThat(kv.getProps()).containsExactly(Map.entry("pvc-2", "b"));
        });
        assertThat(store.keyValueStoreList()).extracting(kv -> kv.getName()).contains(instance);
        store.keyValueStoreDelete(instance);
        assertRefused(() -> store.keyValueStoreGet(instance), 404, RetCode.FAIL_NOT_FOUND_KVS);
        assertRefused(() -> store.keyValueStoreModify("bad name", new KeyValueStoreModify()), 400,
                RetCode.FAIL_INVLD_KVS_NAME);
    }

    @Test
    default void errorReportsAnswerForUnknownIds() throws ApiException {
        ErrorReportsApi reports = new ErrorReportsApi(client());
        assertThat(reports.errorReportList(null, null, null, null, null, false, null, null, null)).isNotNull();
        assertRefused(() -> reports.errorReportGet("NOSUCH-00000-000001"), 404,
                RetCode.WARN_NOT_FOUND | RetCode.MASK_ERROR);
        assertThat(reports.errorReportBulkDelete(new ErrorReportDelete().ids(List.of("NOSUCH-00000-000001"))))
                .singleElement().satisfies(rc -> assertThat(rc.getMessage()).contains("0 error report"));
    }

    // ---- resource definitions, volume definitions, resources --------------------------------------

    /** A satellite node with one FILE_THIN pool called {@code pool}. */
    private void satelliteWithPool(String node, String address, String pool) throws ApiException {
        new NodesApi(client()).nodeCreate(satellite(node, address));
        new StoragePoolsApi(client()).storagePoolCreate(node, new StoragePool().storagePoolName(pool)
                .providerKind(ProviderKind.FILE_THIN).props(Map.of("StorDriver/FileDir", "/srv/tandem/" + pool)));
    }

    private static ResourceCreate on(String node) {
        return new ResourceCreate().resource(new Resource().nodeName(node));
    }

    @Test
    default void resourceDefinitionLifeCycle() throws ApiException {
        ResourceDefinitionsApi definitions = new ResourceDefinitionsApi(client());
        String name = name("res");
        List<ApiCallRc> created = definitions.resourceDefinitionCreate(new ResourceDefinitionCreate()
                .resourceDefinition(new ResourceDefinition().name(name).props(Map.of("Aux/owner", "team-a"))));
        assertThat(created).extracting(ApiCallRc::getRetCode)
                .containsExactly(RetCode.MASK_CRT | RetCode.MASK_RSC_DFN | RetCode.CREATED);

        ResourceDefinition definition = definitions.resourceDefinitionGet(name.toUpperCase());
        assertThat(definition.getName()).isEqualTo(name);
        assertThat(definition.getResourceGroupName()).isEqualTo("DfltRscGrp");
        assertThat(definition.getProps()).containsExactly(Map.entry("Aux/owner", "team-a"));
        assertThat(definition.getUuid()).isNotBlank();
        assertThat(definition.getFlags()).isNullOrEmpty();
        assertThat(definition.getLayerData()).extracting(ResourceDefinitionLayer::getType)
                .containsExactly(LayerType.DRBD, LayerType.STORAGE);
        var drbd = definition.getLayerData().get(0).getData();
        assertThat(drbd.getPeerSlots()).isEqualTo(7);
        assertThat(drbd.getAlStripes()).isEqualTo(1);
        assertThat(drbd.getAlStripeSizeKib()).isEqualTo(32);
        assertThat(drbd.getTransportType()).isEqualTo("IP");
        assertThat(drbd.getSecret()).hasSize(20).matches("[A-Za-z0-9]+");
        assertThat(definition.getLayerData().get(1).getData()).isNull();

        // given settings are kept; an external name alone gives a derived name
        String other = name("res");
        definitions.resourceDefinitionCreate(new ResourceDefinitionCreate()
                .resourceDefinition(new ResourceDefinition().name(other)).drbdSecret("s3cret-S3CRET").drbdPeerSlots(3)
                .drbdTransportType("ip"));
        assertThat(definitions.resourceDefinitionGet(other).getLayerData().get(0).getData())
                .satisfies(d -> {
                    assertThat(d.getSecret()).isEqualTo("s3cret-S3CRET");
                    assertThat(d.getPeerSlots()).isEqualTo(3);
                });
        String external = "pvc " + name("ext") + " (Grüße)";
        definitions.resourceDefinitionCreate(new ResourceDefinitionCreate()
                .resourceDefinition(new ResourceDefinition().externalName(external)));
        ResourceDefinition derived = definitions.resourceDefinitionList(null, null, null, null, null).stream()
                .filter(d -> external.equals(d.getExternalName())).findFirst().orElseThrow();
        assertThat(derived.getName()).startsWith("pvc_ext-").doesNotContain(" ", "(", "ü");

        // lists and filters
        List<String> both = definitions.resourceDefinitionList(List.of(name, other), null, null, 0, 0).stream()
                .map(ResourceDefinition::getName).toList();
        assertThat(both).containsExactlyInAnyOrder(name, other);
        assertThat(definitions.resourceDefinitionList(List.of(name, other), List.of("Aux/owner=team-a"), null, null,
                null)).extracting(ResourceDefinition::getName).containsExactly(name);
        assertThat(definitions.resourceDefinitionList(List.of(name, other), null, null, 1, 1))
                .extracting(ResourceDefinition::getName).containsExactly(both.get(1));

        // changes
        definitions.resourceDefinitionModify(name, new ResourceDefinitionModify()
                .overrideProps(Map.of("DrbdOptions/Net/allow-two-primaries", "yes")).deleteProps(List.of("Aux/owner"))
                .drbdPeerSlots(4).resourceGroup("dfltrscgrp"));
        ResourceDefinition modified = definitions.resourceDefinitionGet(name);
        assertThat(modified.getProps()).containsExactly(Map.entry("DrbdOptions/Net/allow-two-primaries", "yes"));
        assertThat(modified.getLayerData().get(0).getData().getPeerSlots()).isEqualTo(4);
        assertThat(modified.getLayerData().get(0).getData().getSecret()).isEqualTo(drbd.getSecret());

        // refusals
        assertRefused(() -> definitions.resourceDefinitionCreate(new ResourceDefinitionCreate()
                .resourceDefinition(new ResourceDefinition().name(name.toUpperCase()))), 409, RetCode.FAIL_EXISTS_RSC_DFN);
        assertRefused(() -> definitions.resourceDefinitionCreate(new ResourceDefinitionCreate()
                .resourceDefinition(new ResourceDefinition().name("all"))), 400, RetCode.FAIL_INVLD_RSC_NAME);
        assertRefused(() -> definitions.resourceDefinitionCreate(new ResourceDefinitionCreate()
                .resourceDefinition(new ResourceDefinition().name(name("res")).resourceGroupName("NoSuchGroup"))),
                404, RetCode.FAIL_NOT_FOUND_RSC_GRP);
        assertRefused(() -> definitions.resourceDefinitionCreate(new ResourceDefinitionCreate()
                .resourceDefinition(new ResourceDefinition().name(name("res"))).drbdPeerSlots(32)), 400,
                RetCode.FAIL_INVLD_PROP);
        assertRefused(() -> definitions.resourceDefinitionCreate(new ResourceDefinitionCreate()
                .resourceDefinition(new ResourceDefinition().name(name("res"))).drbdTransportType("RDMA")), 400,
                RetCode.FAIL_INVLD_TRANSPORT_TYPE);
        assertRefused(() -> definitions.resourceDefinitionCreate(new ResourceDefinitionCreate()
                .resourceDefinition(new ResourceDefinition().name(name("res"))
                        .addLayerDataItem(new ResourceDefinitionLayer().type(LayerType.LUKS)))), 400,
                RetCode.FAIL_INVLD_LAYER_STACK);
        assertRefused(() -> definitions.resourceDefinitionModify(name, new ResourceDefinitionModify()
                .resourceGroup("NoSuchGroup")), 404, RetCode.FAIL_NOT_FOUND_RSC_GRP);
        assertRefused(() -> definitions.resourceDefinitionGet(name("ghost")), 404, RetCode.FAIL_NOT_FOUND_RSC_DFN);

        // without resources a delete is immediate
        List<ApiCallRc> deleted = definitions.resourceDefinitionDelete(other);
        assertThat(deleted).extracting(ApiCallRc::getRetCode)
                .containsExactly(RetCode.MASK_DEL | RetCode.MASK_RSC_DFN | RetCode.DELETED);
        assertRefused(() -> definitions.resourceDefinitionGet(other), 404, RetCode.FAIL_NOT_FOUND_RSC_DFN);
        definitions.resourceDefinitionDelete(name);
        definitions.resourceDefinitionDelete(derived.getName());
    }

    @Test
    default void volumeDefinitions() throws ApiException {
        ResourceDefinitionsApi definitions = new ResourceDefinitionsApi(client());
        String name = name("vd");
        definitions.resourceDefinitionCreate(new ResourceDefinitionCreate()
                .resourceDefinition(new ResourceDefinition().name(name)));
        definitions.volumeDefinitionCreate(name, new VolumeDefinitionCreate()
                .volumeDefinition(new VolumeDefinition().sizeKib(1_048_576L)));
        definitions.volumeDefinitionCreate(name, new VolumeDefinitionCreate()
                .volumeDefinition(new VolumeDefinition().sizeKib(2048L).props(Map.of("Aux/x", "1"))));
        List<VolumeDefinition> all = definitions.volumeDefinitionList(name, null, null);
        assertThat(all).extracting(VolumeDefinition::getVolumeNumber).containsExactly(0, 1);
        List<Integer> minors = all.stream().map(vd -> vd.getLayerData().get(0).getData().getMinorNumber()).toList();
        assertThat(minors).doesNotHaveDuplicates().allSatisfy(minor -> assertThat(minor).isBetween(1000, 49999));
        assertThat(all.get(0).getLayerData()).extracting(l -> l.getType())
                .containsExactly(LayerType.DRBD, LayerType.STORAGE);

        // an explicit number and minor
        int minor = 60_000 + (int) (System.nanoTime() % 10_000);
        definitions.volumeDefinitionCreate(name, new VolumeDefinitionCreate()
                .volumeDefinition(new VolumeDefinition().volumeNumber(7).sizeKib(4096L)).drbdMinorNumber(minor));
        VolumeDefinition seven = definitions.volumeDefinitionGet(name, 7);
        assertThat(seven.getSizeKib()).isEqualTo(4096L);
        assertThat(seven.getLayerData().get(0).getData().getMinorNumber()).isEqualTo(minor);
        assertRefused(() -> definitions.volumeDefinitionCreate(name, new VolumeDefinitionCreate()
                .volumeDefinition(new VolumeDefinition().sizeKib(4096L)).drbdMinorNumber(minor)), 409,
                RetCode.FAIL_INVLD_MINOR_NR);
        assertRefused(() -> definitions.volumeDefinitionCreate(name, new VolumeDefinitionCreate()
                .volumeDefinition(new VolumeDefinition().volumeNumber(7).sizeKib(4096L))), 409,
                RetCode.FAIL_EXISTS_VLM_DFN);
        assertRefused(() -> definitions.volumeDefinitionCreate(name, new VolumeDefinitionCreate()
                .volumeDefinition(new VolumeDefinition().volumeNumber(65535).sizeKib(4096L))), 400,
                RetCode.FAIL_INVLD_VLM_NR);
        assertRefused(() -> definitions.volumeDefinitionCreate(name, new VolumeDefinitionCreate()
                .volumeDefinition(new VolumeDefinition().sizeKib(-1L))), 400, RetCode.FAIL_INVLD_VLM_SIZE);
        assertRefused(() -> definitions.volumeDefinitionCreate(name, new VolumeDefinitionCreate()
                .volumeDefinition(new VolumeDefinition().sizeKib(1024L).flags(List.of("ENCRYPTED")))), 400,
                RetCode.FAIL_INVLD_LAYER_STACK);
        assertRefused(() -> definitions.volumeDefinitionCreate(name("ghost"), new VolumeDefinitionCreate()
                .volumeDefinition(new VolumeDefinition().sizeKib(1024L))), 404, RetCode.FAIL_NOT_FOUND_RSC_DFN);

        // grow, never shrink
        definitions.volumeDefinitionModify(name, 0, new VolumeDefinitionModify().sizeKib(2_097_152L)
                .overrideProps(Map.of("Aux/y", "2")));
        assertThat(definitions.volumeDefinitionGet(name, 0)).satisfies(vd -> {
            assertThat(vd.getSizeKib()).isEqualTo(2_097_152L);
            assertThat(vd.getProps()).containsEntry("Aux/y", "2");
        });
        assertRefused(() -> definitions.volumeDefinitionModify(name, 0, new VolumeDefinitionModify().sizeKib(1024L)),
                400, RetCode.FAIL_INVLD_VLM_SIZE);
        definitions.volumeDefinitionModify(name, 1, new VolumeDefinitionModify().flags(List.of("GROSS_SIZE")));
        assertThat(definitions.volumeDefinitionGet(name, 1).getFlags()).containsExactly("GROSS_SIZE");
        definitions.volumeDefinitionModify(name, 1, new VolumeDefinitionModify().flags(List.of("-GROSS_SIZE")));
        assertThat(definitions.volumeDefinitionGet(name, 1).getFlags()).isNullOrEmpty();

        // the list with the definition, and deletion
        assertThat(definitions.resourceDefinitionList(List.of(name), null, true, null, null)).singleElement()
                .satisfies(d -> assertThat(d.getVolumeDefinitions()).extracting(VolumeDefinition::getVolumeNumber)
                        .containsExactly(0, 1, 7));
        assertThat(definitions.resourceDefinitionList(List.of(name), null, false, null, null)).singleElement()
                .satisfies(d -> assertThat(d.getVolumeDefinitions()).isNullOrEmpty());
        definitions.volumeDefinitionDelete(name, 7);
        assertRefused(() -> definitions.volumeDefinitionGet(name, 7), 404, RetCode.FAIL_NOT_FOUND_VLM_DFN);
        // the freed number is the next one again
        definitions.volumeDefinitionCreate(name, new VolumeDefinitionCreate()
                .volumeDefinition(new VolumeDefinition().sizeKib(1024L)).drbdMinorNumber(minor));
        assertThat(definitions.volumeDefinitionList(name, null, null)).extracting(VolumeDefinition::getVolumeNumber)
                .containsExactly(0, 1, 2);
        definitions.resourceDefinitionDelete(name);
        assertRefused(() -> definitions.volumeDefinitionList(name, null, null), 404, RetCode.FAIL_NOT_FOUND_RSC_DFN);
    }

    @Test
    default void resourcesArePlacedWithTheirVolumes() throws ApiException {
        ResourceDefinitionsApi definitions = new ResourceDefinitionsApi(client());
        ResourcesApi resources = new ResourcesApi(client());
        NodesApi nodes = new NodesApi(client());
        String alpha = name("alpha");
        String bravo = name("bravo");
        String charlie = name("charlie");
        String pool = name("pool");
        String otherPool = name("other");
        satelliteWithPool(alpha, "10.4.0.1", pool);
        satelliteWithPool(bravo, "10.4.0.2", otherPool);
        nodes.nodeCreate(satellite(charlie, "10.4.0.3"));
        String res = name("res");
        definitions.resourceDefinitionCreate(new ResourceDefinitionCreate()
                .resourceDefinition(new ResourceDefinition().name(res)));
        definitions.volumeDefinitionCreate(res, new VolumeDefinitionCreate()
                .volumeDefinition(new VolumeDefinition().sizeKib(1_048_576L)));

        // as the linstor CLI sends it: one list, the pool as the StorPoolName prop
        List<ApiCallRc> created = resources.resourceCreate(res, List.of(
                new ResourceCreate().resource(new Resource().nodeName(alpha).props(Map.of("StorPoolName", pool))),
                on(bravo),
                new ResourceCreate().resource(new Resource().nodeName(charlie).flags(List.of("DRBD_DISKLESS")))));
        assertThat(created).filteredOn(rc -> !RetCode.isError(rc.getRetCode()) && rc.getRetCode() >= 0)
                .extracting(ApiCallRc::getRetCode)
                .containsOnly(RetCode.MASK_CRT | RetCode.MASK_RSC | RetCode.CREATED).hasSize(3);
        // no satellite is connected: every entry says so
        assertThat(created).filteredOn(rc -> rc.getRetCode() == (RetCode.WARN_NOT_CONNECTED | RetCode.MASK_RSC))
                .hasSize(3);

        List<Resource> placed = resources.resourceList(res, null, null);
        assertThat(placed).extracting(Resource::getNodeName).containsExactly(alpha, bravo, charlie);
        assertThat(placed).extracting(r -> r.getLayerObject().getDrbd().getNodeId()).containsExactly(0, 1, 2);
        assertThat(placed).allSatisfy(r -> {
            assertThat(r.getName()).isEqualTo(res);
            assertThat(r.getState()).as("observed state is absent while the node is OFFLINE").isNull();
            assertThat(r.getCreateTimestamp()).isPositive();
            assertThat(r.getLayerObject().getType()).isEqualTo(LayerType.DRBD);
            assertThat(r.getLayerObject().getDrbd().getTcpPorts()).singleElement()
                    .satisfies(port -> assertThat(port).isBetween(7000, 7999));
            assertThat(r.getLayerObject().getDrbd().getConnections()).isNullOrEmpty();
            assertThat(r.getLayerObject().getChildren()).singleElement()
                    .satisfies(child -> assertThat(child.getType()).isEqualTo(LayerType.STORAGE));
        });
        Resource diskless = resources.resourceGet(res, charlie.toUpperCase());
        assertThat(diskless.getFlags()).containsExactlyInAnyOrder("DISKLESS", "DRBD_DISKLESS");
        assertThat(resources.resourceGet(res, alpha).getFlags()).isNullOrEmpty();

        // the view: volumes in their pools, no state, no invented device or sizes
        List<ResourceWithVolumes> view = resources.viewResources(List.of(alpha, bravo, charlie), List.of(res), null,
                null, null, null, true);
        assertThat(view).extracting(ResourceWithVolumes::getNodeName).containsExactly(alpha, bravo, charlie);
        assertThat(view).extracting(r -> r.getVolumes().get(0).getStoragePoolName())
                .containsExactly(pool, otherPool, "DfltDisklessStorPool");
        Volume volume = view.get(0).getVolumes().get(0);
        assertThat(volume.getVolumeNumber()).isZero();
        assertThat(volume.getProviderKind()).isEqualTo(ProviderKind.FILE_THIN);
        assertThat(volume.getState()).isNull();
        assertThat(volume.getDevicePath()).isNull();
        assertThat(volume.getAllocatedSizeKib()).isNull();
        assertThat(volume.getLayerDataList()).extracting(l -> l.getType())
                .containsExactly(LayerType.DRBD, LayerType.STORAGE);
        assertThat(volume.getLayerDataList().get(0).getData().getDrbdVolumeDefinition().getMinorNumber())
                .isBetween(1000, 49999);
        assertThat(view.get(2).getVolumes().get(0).getProviderKind()).isEqualTo(ProviderKind.DISKLESS);
        assertThat(resources.viewResources(null, List.of(res), List.of(pool), null, null, null, null))
                .extracting(ResourceWithVolumes::getNodeName).containsExactly(alpha);
        assertThat(resources.viewResources(List.of(alpha), null, null, null, null, null, null))
                .extracting(ResourceWithVolumes::getName).containsExactly(res);

        // a volume definition added later adds a volume to every resource
        definitions.volumeDefinitionCreate(res, new VolumeDefinitionCreate()
                .volumeDefinition(new VolumeDefinition().sizeKib(4096L)));
        assertThat(resources.volumeList(res, alpha, null, null)).extracting(Volume::getVolumeNumber)
                .containsExactly(0, 1);
        assertThat(resources.volumeGet(res, charlie, 1).getStoragePoolName()).isEqualTo("DfltDisklessStorPool");
        assertRefused(() -> resources.volumeGet(res, alpha, 5), 404, RetCode.FAIL_NOT_FOUND_VLM);
        resources.volumeModify(res, alpha, 1, new VolumeModify().overrideProps(Map.of("Aux/tier", "fast")));
        assertThat(resources.volumeGet(res, alpha, 1).getProps()).containsEntry("Aux/tier", "fast");
        resources.resourceModify(res, bravo, new ResourceModify().overrideProps(Map.of("Aux/backup", "nightly")));
        assertThat(resources.resourceGet(res, bravo).getProps()).containsEntry("Aux/backup", "nightly");
        assertThat(resources.viewResources(null, List.of(res), null, List.of("Aux/backup=nightly"), null, null, null))
                .extracting(ResourceWithVolumes::getNodeName).containsExactly(bravo);
        assertRefused(() -> resources.resourceModify(res, bravo, new ResourceModify()
                .overrideProps(Map.of("StorPoolName", "nosuchpool"))), 404, RetCode.FAIL_NOT_FOUND_STOR_POOL);

        // what is in use stays
        assertRefused(() -> nodes.nodeDelete(alpha), 409, RetCode.FAIL_IN_USE);
        assertRefused(() -> new StoragePoolsApi(client()).storagePoolDelete(alpha, pool), 409, RetCode.FAIL_IN_USE);
        assertRefused(() -> definitions.volumeDefinitionDelete(res, 1), 409, RetCode.FAIL_IN_USE);
        assertRefused(() -> nodes.nodeModify(charlie, new NodeModify().nodeType(NodeType.CONTROLLER)), 409,
                RetCode.FAIL_IN_USE);

        // clean up: the nodes are gone for good
        for (String node : List.of(alpha, bravo, charlie)) {
            nodes.nodeLost(node);
        }
        assertThat(resources.resourceList(res, null, null)).isEmpty();
        definitions.resourceDefinitionDelete(res);
    }

    @Test
    default void resourcePlacementIsRefusedWithAReason() throws ApiException {
        ResourceDefinitionsApi definitions = new ResourceDefinitionsApi(client());
        ResourcesApi resources = new ResourcesApi(client());
        NodesApi nodes = new NodesApi(client());
        StoragePoolsApi pools = new StoragePoolsApi(client());
        String alpha = name("alpha");
        String bravo = name("bravo");
        String poolOne = name("one");
        String poolTwo = name("two");
        satelliteWithPool(alpha, "10.5.0.1", poolOne);
        pools.storagePoolCreate(alpha, new StoragePool().storagePoolName(poolTwo).providerKind(ProviderKind.FILE)
                .props(Map.of("StorDriver/FileDir", "/srv/tandem/" + poolTwo)));
        nodes.nodeCreate(satellite(bravo, "10.5.0.2"));
        String controller = name("ctrl");
        nodes.nodeCreate(new Node().name(controller).type(NodeType.CONTROLLER)
                .netInterfaces(List.of(new NetInterface().name("default").address("10.5.0.3"))));
        String res = name("res");
        definitions.resourceDefinitionCreate(new ResourceDefinitionCreate()
                .resourceDefinition(new ResourceDefinition().name(res)).drbdPeerSlots(1));
        definitions.volumeDefinitionCreate(res, new VolumeDefinitionCreate()
                .volumeDefinition(new VolumeDefinition().sizeKib(1024L)));

        // which pool: two candidates and none named, none at all, a named one that does not exist
        assertRefused(() -> resources.resourceCreate(res, List.of(on(alpha))), 400, RetCode.FAIL_INVLD_STOR_POOL_NAME);
        assertRefused(() -> resources.resourceCreate(res, List.of(on(bravo))), 400, RetCode.FAIL_INVLD_STOR_POOL_NAME);
        assertRefused(() -> resources.resourceCreate(res, List.of(new ResourceCreate().resource(new Resource()
                .nodeName(alpha).props(Map.of("StorPoolName", "nosuchpool"))))), 404, RetCode.FAIL_NOT_FOUND_STOR_POOL);
        assertRefused(() -> resources.resourceCreate(res, List.of(new ResourceCreate().resource(new Resource()
                .nodeName(alpha).props(Map.of("StorPoolName", "DfltDisklessStorPool"))))), 400,
                RetCode.FAIL_INVLD_STOR_POOL_NAME);
        assertRefused(() -> resources.resourceCreateOnNode(res, controller, new ResourceCreate()), 400,
                RetCode.FAIL_INVLD_NODE_TYPE);
        assertRefused(() -> resources.resourceCreateOnNode(res, name("ghost"), new ResourceCreate()), 404,
                RetCode.FAIL_NOT_FOUND_NODE);
        assertRefused(() -> resources.resourceCreateOnNode(res, alpha, new ResourceCreate()
                .layerList(List.of(LayerType.STORAGE))), 400, RetCode.FAIL_INVLD_LAYER_STACK);
        assertRefused(() -> resources.resourceCreateOnNode(res, alpha, new ResourceCreate()
                .resource(new Resource().flags(List.of("NVME_INITIATOR")))), 400, RetCode.API_CALL_PARSE_ERROR);
        assertRefused(() -> resources.resourceCreateOnNode(res, alpha, new ResourceCreate().drbdNodeId(32)), 400,
                RetCode.FAIL_INVLD_NODE_ID);

        // all or nothing: the second entry fails, so the first is not created either
        assertRefused(() -> resources.resourceCreate(res, List.of(new ResourceCreate().resource(new Resource()
                .nodeName(alpha).props(Map.of("StorPoolName", poolOne))), on(name("ghost")))), 404,
                RetCode.FAIL_NOT_FOUND_NODE);
        assertThat(resources.resourceList(res, null, null)).isEmpty();

        // the pool named on the resource definition; a chosen node id and port
        definitions.resourceDefinitionModify(res, new ResourceDefinitionModify()
                .overrideProps(Map.of("StorPoolName", poolTwo)));
        int port = 7000 + (int) (System.nanoTime() % 1000);
        resources.resourceCreateOnNode(res, alpha, new ResourceCreate().drbdNodeId(9).drbdTcpPorts(List.of(port)));
        Resource onAlpha = resources.resourceGet(res, alpha);
        assertThat(onAlpha.getLayerObject().getDrbd().getNodeId()).isEqualTo(9);
        assertThat(onAlpha.getLayerObject().getDrbd().getTcpPorts()).containsExactly(port);
        assertThat(resources.volumeGet(res, alpha, 0).getStoragePoolName()).isEqualTo(poolTwo);
        assertRefused(() -> resources.resourceCreateOnNode(res, alpha, new ResourceCreate()), 409,
                RetCode.FAIL_EXISTS_RSC);

        // a taken node id, a taken port (ports are per node), then the peer slots run out
        String other = name("res");
        definitions.resourceDefinitionCreate(new ResourceDefinitionCreate()
                .resourceDefinition(new ResourceDefinition().name(other)));
        assertRefused(() -> resources.resourceCreateOnNode(other, alpha, new ResourceCreate()
                .drbdTcpPorts(List.of(port))), 409, RetCode.FAIL_INVLD_TCP_PORT);
        resources.resourceCreateOnNode(other, bravo, new ResourceCreate().drbdTcpPorts(List.of(port))
                .drbdClient(true));
        assertRefused(() -> resources.resourceCreateOnNode(res, bravo, new ResourceCreate().drbdNodeId(9)
                .drbdClient(true)), 409, RetCode.FAIL_INVLD_NODE_ID);
        resources.resourceCreateOnNode(res, bravo, new ResourceCreate()
                .resource(new Resource().flags(List.of("diskless"))));
        assertThat(resources.resourceGet(res, bravo).getLayerObject().getDrbd().getNodeId()).isZero();
        String third = name("delta");
        satelliteWithPool(third, "10.5.0.4", name("pool"));
        assertRefused(() -> resources.resourceCreateOnNode(res, third, new ResourceCreate()), 409,
                RetCode.FAIL_INSUFFICIENT_PEER_SLOTS);
        assertRefused(() -> definitions.resourceDefinitionModify(res, new ResourceDefinitionModify().drbdPeerSlots(0)),
                400, RetCode.FAIL_INVLD_PROP);

        for (String node : List.of(alpha, bravo, third, controller)) {
            nodes.nodeLost(node);
        }
        definitions.resourceDefinitionDelete(res);
        definitions.resourceDefinitionDelete(other);
    }

    @Test
    default void deletionWaitsForTheSatelliteOrANodeLost() throws ApiException {
        ResourceDefinitionsApi definitions = new ResourceDefinitionsApi(client());
        ResourcesApi resources = new ResourcesApi(client());
        NodesApi nodes = new NodesApi(client());
        String alpha = name("alpha");
        String bravo = name("bravo");
        String pool = name("pool");
        satelliteWithPool(alpha, "10.6.0.1", pool);
        satelliteWithPool(bravo, "10.6.0.2", pool);
        String res = name("res");
        definitions.resourceDefinitionCreate(new ResourceDefinitionCreate()
                .resourceDefinition(new ResourceDefinition().name(res)));
        definitions.volumeDefinitionCreate(res, new VolumeDefinitionCreate()
                .volumeDefinition(new VolumeDefinition().sizeKib(1024L)));
        resources.resourceCreate(res, List.of(on(alpha), on(bravo)));

        // a resource delete marks it; the rows stay until the satellite confirms
        List<ApiCallRc> marked = resources.resourceDelete(res, alpha, true);
        assertThat(marked).extracting(ApiCallRc::getRetCode).containsExactly(
                RetCode.MASK_DEL | RetCode.MASK_RSC | RetCode.DELETED, RetCode.WARN_NOT_CONNECTED | RetCode.MASK_RSC);
        assertThat(marked.get(0).getMessage()).contains("marked for deletion");
        assertThat(resources.resourceGet(res, alpha).getFlags()).containsExactly("DELETE");
        assertThat(resources.volumeGet(res, alpha, 0).getFlags()).containsExactly("DELETE");
        assertThat(resources.resourceDelete(res, alpha, null)).singleElement()
                .satisfies(rc -> assertThat(rc.getMessage()).contains("already marked"));
        assertRefused(() -> resources.resourceCreateOnNode(res, alpha, new ResourceCreate()), 409,
                RetCode.FAIL_EXISTS_RSC);
        assertRefused(() -> nodes.nodeDelete(alpha), 409, RetCode.FAIL_IN_USE);

        assertThat(resourceService().confirmRemoved(alpha.toUpperCase(), res)).isTrue();
        assertThat(resourceService().confirmRemoved(alpha, res)).as("a repeated confirmation").isFalse();
        assertRefused(() -> resources.resourceGet(res, alpha), 404, RetCode.FAIL_NOT_FOUND_RSC);
        assertThatThrownBy(() -> resourceService().confirmRemoved(bravo, res))
                .as("a resource the controller still wants").isInstanceOf(IllegalStateException.class);
        // the node is free again; its volumes are gone from the pool
        new StoragePoolsApi(client()).storagePoolDelete(alpha, pool);

        // a definition delete marks the definition and its resources; it goes with the last one
        List<ApiCallRc> definitionMarked = definitions.resourceDefinitionDelete(res);
        assertThat(definitionMarked).extracting(ApiCallRc::getRetCode).contains(
                RetCode.MASK_DEL | RetCode.MASK_RSC | RetCode.DELETED,
                RetCode.MASK_DEL | RetCode.MASK_RSC_DFN | RetCode.DELETED);
        assertThat(definitions.resourceDefinitionGet(res).getFlags()).containsExactly("DELETE");
        assertThat(resources.resourceGet(res, bravo).getFlags()).containsExactly("DELETE");
        assertRefused(() -> definitions.volumeDefinitionCreate(res, new VolumeDefinitionCreate()
                .volumeDefinition(new VolumeDefinition().sizeKib(1024L))), 409, RetCode.FAIL_IN_USE);
        assertRefused(() -> resources.resourceCreateOnNode(res, alpha, new ResourceCreate()
                .drbdClient(true)), 409, RetCode.FAIL_IN_USE);
        assertThat(resourceService().confirmRemoved(bravo, res)).isTrue();
        assertRefused(() -> definitions.resourceDefinitionGet(res), 404, RetCode.FAIL_NOT_FOUND_RSC_DFN);

        // node lost removes everything on the node at once, and a marked definition with its last resource
        String kept = name("res");
        String gone = name("res");
        for (String definition : List.of(kept, gone)) {
            definitions.resourceDefinitionCreate(new ResourceDefinitionCreate()
                    .resourceDefinition(new ResourceDefinition().name(definition)));
            definitions.volumeDefinitionCreate(definition, new VolumeDefinitionCreate()
                    .volumeDefinition(new VolumeDefinition().sizeKib(1024L)));
        }
        resources.resourceCreate(kept, List.of(on(bravo), new ResourceCreate()
                .resource(new Resource().nodeName(alpha).flags(List.of("DRBD_DISKLESS")))));
        resources.resourceCreate(gone, List.of(on(bravo)));
        definitions.resourceDefinitionDelete(gone);
        List<ApiCallRc> lost = nodes.nodeLost(bravo);
        assertThat(lost).extracting(ApiCallRc::getMessage).anySatisfy(m -> assertThat(m).contains(kept, bravo))
                .anySatisfy(m -> assertThat(m).contains("Resource definition '" + gone + "' deleted"))
                .anySatisfy(m -> assertThat(m).contains("Node '" + bravo + "' declared lost"));
        assertRefused(() -> nodes.nodeGet(bravo), 404, RetCode.FAIL_NOT_FOUND_NODE);
        assertRefused(() -> definitions.resourceDefinitionGet(gone), 404, RetCode.FAIL_NOT_FOUND_RSC_DFN);
        assertThat(resources.resourceList(kept, null, null)).extracting(Resource::getNodeName).containsExactly(alpha);
        assertThat(new StoragePoolsApi(client()).viewStoragePools(List.of(bravo), null, null, null, null, null))
                .isEmpty();
        assertRefused(() -> nodes.nodeLost(bravo), 404, RetCode.FAIL_NOT_FOUND_NODE);

        nodes.nodeLost(alpha);
        definitions.resourceDefinitionDelete(kept);
    }
}
