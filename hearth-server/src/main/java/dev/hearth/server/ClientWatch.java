package dev.hearth.server;

import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * Notices that the client of a non-streamed request closed its connection while the answer is still
 * being generated (a stream notices at its next write, but a whole answer writes nothing until the end).
 *
 * <p>Jetty does not read a connection while its request is being handled (HTTP/1.1
 * {@code HttpConnection.onFillable} stops filling once it has dispatched the request), so a closed socket
 * goes unseen. This asks the endpoint to call back when the socket becomes readable
 * ({@code tryFillInterested}): the client closing makes it readable, and a one-byte read then returns −1.
 * If a byte arrives instead (a pipelined next request), it is handed back to the connection's request
 * buffer ({@code onUpgradeTo} appends it there) and the watch ends. Jetty's idle timeout fails the
 * interest with a TimeoutException; that is not a departure, so the watch re-arms. {@link #stop} must be
 * called before the handler returns, so that Jetty's own reading of the next request never races this.
 */
final class ClientWatch implements Callback {
    private final EndPoint endPoint;
    private final Connection connection;
    private final Runnable onGone;
    private boolean watching = true; // guarded by this

    private ClientWatch(EndPoint endPoint, Connection connection, Runnable onGone) {
        this.endPoint = endPoint;
        this.connection = connection;
        this.onGone = onGone;
    }

    /** Starts watching {@code ctx}'s connection; {@code onGone} runs (once, on a Jetty thread) if the client leaves. */
    static ClientWatch start(Context ctx, Runnable onGone) {
        Connection connection = ServletContextRequest.getServletContextRequest(ctx.req()).getConnectionMetaData().getConnection();
        ClientWatch w = new ClientWatch(connection.getEndPoint(), connection, onGone);
        w.arm();
        return w;
    }

    private synchronized void arm() {
        // HTTP/1.1 only: another protocol, or an endpoint something else already reads, is not watched
        if (watching && !(connection instanceof HttpConnection && endPoint.tryFillInterested(this))) watching = false;
    }

    @Override
    public synchronized void succeeded() {
        if (!watching) return;
        ByteBuffer one = BufferUtil.allocate(1);
        try {
            int n = endPoint.fill(one);
            if (n < 0) gone();
            else if (n > 0) {
                ((HttpConnection) connection).onUpgradeTo(one); // the next pipelined request's first byte, back to Jetty
                watching = false;
            } else arm();
        } catch (IOException e) {
            gone();
        }
    }

    @Override
    public synchronized void failed(Throwable x) {
        if (!watching) return;
        if (x instanceof TimeoutException) arm(); // Jetty's idle timeout: the client may still be waiting
        else gone();
    }

    private void gone() {
        watching = false;
        onGone.run();
    }

    /** Ends the watch (before the response is written). */
    synchronized void stop() {
        if (!watching) return;
        watching = false;
        if (endPoint instanceof AbstractEndPoint a) a.getFillInterest().onFail(new CancellationException("request answered"));
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING; // a one-byte non-blocking read and a queue offer
    }
}
