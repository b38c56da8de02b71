package io.tandem.controller.kvstore;

import java.util.Map;

/** LINSTOR's KeyValueStore. */
record KeyValueStoreDto(String name, Map<String, String> props) {
}
