package io.tandem.controller.rest;

import java.util.List;
import java.util.Map;

/**
 * LINSTOR's paging: {@code limit} and {@code offset} apply only when {@code limit > 0}; golinstor
 * always sends {@code limit=0&offset=0}, which means "everything".
 */
public record Page(int offset, int limit) {
    public static final Page ALL = new Page(0, 0);

    public Page {
        if (offset < 0 || limit < 0) {
            throw ApiException.invalid(RetCode.API_CALL_PARSE_ERROR,
                    "Invalid paging offset=%d limit=%d.".formatted(offset, limit),
                    "offset and limit must not be negative.", "Send offset >= 0 and limit >= 0 (0 means no limit).",
                    Map.of());
        }
    }

    public static Page of(Integer offset, Integer limit) {
        return new Page(offset == null ? 0 : offset, limit == null ? 0 : limit);
    }

    public <T> List<T> apply(List<T> items) {
        if (limit <= 0) {
            return items;
        }
        int from = Math.min(offset, items.size());
        int to = (int) Math.min((long) from + limit, items.size());
        return items.subList(from, to);
    }
}
