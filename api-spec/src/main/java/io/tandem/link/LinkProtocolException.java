package io.tandem.link;

import java.io.IOException;

/** The peer sent something that is not the link protocol; the connection must be closed. */
public final class LinkProtocolException extends IOException {
    public LinkProtocolException(String message) {
        super(message);
    }

    public LinkProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
