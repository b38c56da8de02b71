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
import io.tandem.client.api.StoragePoolsApi;
import io.tandem.client.model.ApiCallRc;
import io.tandem.client.model.ControllerPropsModify;
import io.tandem.client.model.EncryptionType;
import io.tandem.client.model.ErrorReportDelete;
import io.tandem.client.model.KeyValueStoreModify;
import io.tandem.client.model.NetInterface;
import io.tandem.client.model.Node;
import io.tandem.client.model.NodeModify;
import io.tandem.client.model.NodeType;
import io.tandem.client.model.ProviderKind;
import io.tandem.client.model.StoragePool;
import io.tandem.client.model.StoragePoolDefinition;
import io.tandem.client.model.StoragePoolDefinitionModify;
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
}
