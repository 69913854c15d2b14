package dev.hearth.illume;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;

/**
 * Words a failed request the way Go's {@code net/http} does, since Illume prints Go's error:
 * {@code Post "URL": dial tcp HOST:PORT: connect: connection refused}.
 */
final class HttpErrors {
    private HttpErrors() {}

    static String describe(String url, Throwable failure) {
        URI uri = URI.create(url.replace(" ", "%20"));
        String quoted = GoQuote.quote(url);
        String host = uri.getHost() == null ? "" : uri.getHost();
        int port = uri.getPort() >= 0 ? uri.getPort() : ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnresolvedAddressException || cause instanceof UnknownHostException) {
                return "Post " + quoted + ": dial tcp: lookup " + host + ": no such host";
            }
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                // Go names the address it dialled, not the host name
                String ip = host;
                try {
                    ip = java.net.InetAddress.getByName(host).getHostAddress();
                } catch (UnknownHostException e) {
                    return "Post " + quoted + ": dial tcp: lookup " + host + ": no such host";
                }
                String address = (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
                return "Post " + quoted + ": dial tcp " + address + ": connect: connection refused";
            }
        }
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return "Post " + quoted + ": " + message;
    }
}
