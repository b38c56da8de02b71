package io.tandem.controller.rest;

/**
 * LINSTOR's {@code ret_code} bit layout (linstor-common {@code consts.json}): severity in bits
 * 62–63, operation in bits 24–25, object kind in bits 18–22, the code itself in bits 0–14.
 * Clients classify an answer by these bits, and some match exact codes (e.g. FAIL_EXISTS_RSC_GRP,
 * FAIL_IN_USE), so the values must be LINSTOR's.
 */
public final class RetCode {
    private RetCode() {
    }

    // severity
    public static final long MASK_ERROR = 0xC000000000000000L;
    public static final long MASK_WARN = 0x8000000000000000L;
    public static final long MASK_INFO = 0x4000000000000000L;
    public static final long MASK_SEVERITY = 0xC000000000000000L;

    // operation
    public static final long MASK_CRT = 0x0000000001000000L;
    public static final long MASK_MOD = 0x0000000002000000L;
    public static final long MASK_DEL = 0x0000000003000000L;

    // object kind
    public static final long MASK_VLM_GRP = 0x0000000000480000L;
    public static final long MASK_RSC_GRP = 0x0000000000440000L;
    public static final long MASK_KVS = 0x0000000000400000L;
    public static final long MASK_NODE = 0x00000000003C0000L;
    public static final long MASK_RSC_DFN = 0x0000000000380000L;
    public static final long MASK_RSC = 0x0000000000340000L;
    public static final long MASK_VLM_DFN = 0x0000000000300000L;
    public static final long MASK_VLM = 0x00000000002C0000L;
    public static final long MASK_NET_IF = 0x00000000001C0000L;
    public static final long MASK_STOR_POOL_DFN = 0x0000000000180000L;
    public static final long MASK_STOR_POOL = 0x0000000000140000L;
    public static final long MASK_CTRL_CONF = 0x0000000000100000L;
    public static final long MASK_SNAPSHOT = 0x00000000000C0000L;

    public static final long MASK_CODE = 0x0000000000007FFFL;

    // success codes
    public static final long CREATED = 1;
    public static final long DELETED = 2;
    public static final long MODIFIED = 3;

    // invalid input (200-299)
    public static final long FAIL_INVLD_NODE_NAME = 200 | MASK_ERROR;
    public static final long FAIL_INVLD_NODE_TYPE = 201 | MASK_ERROR;
    public static final long FAIL_INVLD_RSC_NAME = 202 | MASK_ERROR;
    public static final long FAIL_INVLD_NODE_ID = 204 | MASK_ERROR;
    public static final long FAIL_INVLD_VLM_NR = 205 | MASK_ERROR;
    public static final long FAIL_INVLD_VLM_SIZE = 206 | MASK_ERROR;
    public static final long FAIL_INVLD_MINOR_NR = 207 | MASK_ERROR;
    public static final long FAIL_INVLD_STOR_POOL_NAME = 208 | MASK_ERROR;
    public static final long FAIL_INVLD_NET_NAME = 209 | MASK_ERROR;
    public static final long FAIL_INVLD_NET_ADDR = 210 | MASK_ERROR;
    public static final long FAIL_INVLD_NET_PORT = 211 | MASK_ERROR;
    public static final long FAIL_INVLD_NET_TYPE = 212 | MASK_ERROR;
    public static final long FAIL_INVLD_PROP = 213 | MASK_ERROR;
    public static final long FAIL_INVLD_TRANSPORT_TYPE = 214 | MASK_ERROR;
    public static final long FAIL_INVLD_TCP_PORT = 215 | MASK_ERROR;
    public static final long FAIL_INVLD_CRYPT_PASSPHRASE = 216 | MASK_ERROR;
    public static final long FAIL_INVLD_ENCRYPT_TYPE = 217 | MASK_ERROR;
    public static final long FAIL_INVLD_FREE_SPACE_MGR_NAME = 220 | MASK_ERROR;
    public static final long FAIL_INVLD_STOR_DRIVER = 221 | MASK_ERROR;
    public static final long FAIL_INVLD_KVS_NAME = 223 | MASK_ERROR;
    public static final long FAIL_INVLD_LAYER_KIND = 224 | MASK_ERROR;
    public static final long FAIL_INVLD_LAYER_STACK = 225 | MASK_ERROR;
    public static final long FAIL_INVLD_EXT_NAME = 226 | MASK_ERROR;
    public static final long FAIL_INVLD_PROVIDER = 227 | MASK_ERROR;

    // not found (300-399)
    public static final long FAIL_NOT_FOUND_NODE = 300 | MASK_ERROR;
    public static final long FAIL_NOT_FOUND_RSC_DFN = 301 | MASK_ERROR;
    public static final long FAIL_NOT_FOUND_RSC = 302 | MASK_ERROR;
    public static final long FAIL_NOT_FOUND_VLM_DFN = 303 | MASK_ERROR;
    public static final long FAIL_NOT_FOUND_VLM = 304 | MASK_ERROR;
    public static final long FAIL_NOT_FOUND_NET_IF = 305 | MASK_ERROR;
    public static final long FAIL_NOT_FOUND_STOR_POOL_DFN = 309 | MASK_ERROR;
    public static final long FAIL_NOT_FOUND_STOR_POOL = 310 | MASK_ERROR;
    public static final long FAIL_NOT_FOUND_KVS = 316 | MASK_ERROR;
    public static final long FAIL_NOT_FOUND_RSC_GRP = 317 | MASK_ERROR;

    // already exists (500-599)
    public static final long FAIL_EXISTS_NODE = 500 | MASK_ERROR;
    public static final long FAIL_EXISTS_RSC_DFN = 501 | MASK_ERROR;
    public static final long FAIL_EXISTS_RSC = 502 | MASK_ERROR;
    public static final long FAIL_EXISTS_VLM_DFN = 503 | MASK_ERROR;
    public static final long FAIL_EXISTS_NET_IF = 505 | MASK_ERROR;
    public static final long FAIL_EXISTS_STOR_POOL_DFN = 509 | MASK_ERROR;
    public static final long FAIL_EXISTS_STOR_POOL = 510 | MASK_ERROR;
    public static final long FAIL_EXISTS_EXT_NAME = 517 | MASK_ERROR;

    // missing data (600-699)
    public static final long FAIL_MISSING_PROPS = 600 | MASK_ERROR;
    public static final long FAIL_MISSING_NETCOM = 603 | MASK_ERROR;

    // number pools exhausted (800-899)
    public static final long FAIL_POOL_EXHAUSTED_VLM_NR = 800 | MASK_ERROR;
    public static final long FAIL_POOL_EXHAUSTED_MINOR_NR = 801 | MASK_ERROR;
    public static final long FAIL_POOL_EXHAUSTED_TCP_PORT = 802 | MASK_ERROR;
    public static final long FAIL_POOL_EXHAUSTED_NODE_ID = 803 | MASK_ERROR;

    // other failures
    public static final long FAIL_STLT_DOES_NOT_SUPPORT_PROVIDER = 989 | MASK_ERROR;
    public static final long FAIL_STOR_POOL_CONFIGURATION_ERROR = 990 | MASK_ERROR;
    public static final long FAIL_INSUFFICIENT_PEER_SLOTS = 993 | MASK_ERROR;
    public static final long FAIL_IN_USE = 997 | MASK_ERROR;
    public static final long FAIL_UNKNOWN_ERROR = 998 | MASK_ERROR;
    public static final long FAIL_IMPL_ERROR = 999 | MASK_ERROR;

    // warnings
    public static final long WARN_NOT_CONNECTED = 1002 | MASK_WARN;
    public static final long WARN_STLT_NOT_UPDATED = 1003 | MASK_WARN;
    public static final long WARN_DEL_UNSET_PROP = 1005 | MASK_WARN;
    public static final long WARN_STORAGE_ERROR = 1010 | MASK_WARN;
    public static final long WARN_NOT_FOUND = 3000 | MASK_WARN;

    // special codes
    public static final long UNKNOWN_API_CALL = 0x0FFFFFFFFFFFFFFFL | MASK_ERROR;
    public static final long API_CALL_PARSE_ERROR = 0x0FFFFFFFFFFFFFFDL | MASK_ERROR;

    public static boolean isError(long retCode) {
        return (retCode & MASK_SEVERITY) == MASK_ERROR;
    }
}
