package io.tandem.engine.runtime;

import io.tandem.engine.core.Effect;
import io.tandem.engine.core.Event;
import io.tandem.engine.core.IoStatus;
import io.tandem.engine.core.RequestFlag;
import io.tandem.engine.core.RequestKind;
import io.tandem.engine.nbd.NbdCommand;
import io.tandem.engine.nbd.NbdCommandFlag;
import io.tandem.engine.nbd.NbdCompletion;
import io.tandem.engine.nbd.NbdError;
import io.tandem.engine.nbd.NbdExport;
import io.tandem.engine.nbd.NbdExportInfo;
import io.tandem.engine.nbd.NbdExports;
import io.tandem.engine.nbd.NbdRefusedException;
import io.tandem.engine.nbd.NbdRequest;
import io.tandem.engine.nbd.NbdSession;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The volumes of one running resource as NBD exports (REPLICATION.md "Roles and access"): export
 * {@code resource/volume}, and {@code resource} (or the empty name) for volume 0. A client attaching
 * auto-promotes the node; if the node may not be Primary the client is served read-only and told
 * why in the log. The last writing client leaving auto-demotes it.
 */
public final class ReplicaNbdExports implements NbdExports {

  private static final System.Logger LOG = System.getLogger(ReplicaNbdExports.class.getName());
  /** TRIM and WRITE_ZEROES may name up to 4 GiB; the core takes them in pieces the activity log can hold. */
  static final int MAX_PIECE_BYTES = 32 << 20;
  private static final long ATTACH_TIMEOUT_SECONDS = 30;

  private final ReplicaRuntime runtime;
  private final String resource;
  private final Map<String, VolumeExport> exports = new TreeMap<>();
  private final List<NbdExportInfo> infos = new ArrayList<>();

  /** @param volumeSizes volume number → size in bytes */
  public ReplicaNbdExports(ReplicaRuntime runtime, String resource, Map<Integer, Long> volumeSizes) {
    this.runtime = runtime;
    this.resource = resource;
    for (Map.Entry<Integer, Long> volume : volumeSizes.entrySet()) {
      String name = resource + "/" + volume.getKey();
      VolumeExport export = new VolumeExport(name, volume.getKey(), volume.getValue());
      exports.put(name, export);
      infos.add(new NbdExportInfo(name, "volume " + volume.getKey() + " of resource " + resource));
      if (volume.getKey() == 0) {
        exports.put(resource, export);
        exports.put("", export);
      }
    }
  }

  @Override
  public List<NbdExportInfo> list() {
    return List.copyOf(infos);
  }

  @Override
  public Optional<NbdExport> find(String name) {
    return Optional.ofNullable(exports.get(name));
  }

  private final class VolumeExport implements NbdExport {
    private final String name;
    private final int volume;
    private final long sizeBytes;

    VolumeExport(String name, int volume, long sizeBytes) {
      this.name = name;
      this.volume = volume;
      this.sizeBytes = sizeBytes;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String description() {
      return "volume " + volume + " of resource " + resource;
    }

    @Override
    public long sizeBytes() {
      return sizeBytes;
    }

    @Override
    public boolean supportsTrim() {
      return true;
    }

    @Override
    public boolean supportsWriteZeroes() {
      return true;
    }

    @Override
    public boolean supportsMultiConnection() {
      // a FLUSH syncs the whole data file, so it covers writes completed on every connection
      return true;
    }

    @Override
    public NbdSession attach(String clientAddress) throws NbdRefusedException {
      Effect.RequestCompleted writer = await(Event.Access.READ_WRITE);
      if (writer.status() == IoStatus.OK) {
        return new VolumeSession(volume, Event.Access.READ_WRITE);
      }
      LOG.log(System.Logger.Level.WARNING, "client {0} gets {1} read-only: {2}", clientAddress, name,
          writer.message());
      Effect.RequestCompleted reader = await(Event.Access.READ_ONLY);
      if (reader.status() != IoStatus.OK) {
        throw new NbdRefusedException(reader.message());
      }
      return new VolumeSession(volume, Event.Access.READ_ONLY);
    }

    private Effect.RequestCompleted await(Event.Access access) throws NbdRefusedException {
      try {
        return runtime.request(id -> new Event.ClientAttach(id, access)).get(ATTACH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new NbdRefusedException("resource " + resource + " did not become ready within "
            + ATTACH_TIMEOUT_SECONDS + " s");
      } catch (ExecutionException e) {
        throw new NbdRefusedException("resource " + resource + " failed: " + e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NbdRefusedException("interrupted while attaching");
      }
    }
  }

  private final class VolumeSession implements NbdSession {
    private final int volume;
    private final Event.Access access;

    VolumeSession(int volume, Event.Access access) {
      this.volume = volume;
      this.access = access;
    }

    @Override
    public boolean readOnly() {
      return access == Event.Access.READ_ONLY;
    }

    @Override
    public void submit(NbdRequest request, NbdCompletion completion) {
      RequestKind kind = kindOf(request.command());
      Set<RequestFlag> flags = EnumSet.noneOf(RequestFlag.class);
      if (request.flags().contains(NbdCommandFlag.FUA)) {
        flags.add(RequestFlag.FUA);
      }
      if (request.flags().contains(NbdCommandFlag.NO_HOLE)) {
        flags.add(RequestFlag.NO_HOLE);
      }
      if ((kind == RequestKind.TRIM || kind == RequestKind.WRITE_ZEROES) && request.length() > MAX_PIECE_BYTES) {
        submitInPieces(kind, flags, request, completion);
        return;
      }
      ByteBuffer payload = kind == RequestKind.WRITE ? request.payload() : null;
      runtime.submit(id -> new Event.ClientRequest(id, volume, kind, request.offset(), (int) request.length(), flags,
          payload), done -> completion.complete(errorOf(done.status()), done.data()));
    }

    private void submitInPieces(RequestKind kind, Set<RequestFlag> flags, NbdRequest request, NbdCompletion completion) {
      long end = request.offset() + request.length();
      int pieces = (int) ((request.length() + MAX_PIECE_BYTES - 1) / MAX_PIECE_BYTES);
      AtomicInteger left = new AtomicInteger(pieces);
      AtomicReference<NbdError> firstError = new AtomicReference<>(NbdError.NONE);
      for (long at = request.offset(); at < end; at += MAX_PIECE_BYTES) {
        long pieceOffset = at;
        int length = (int) Math.min(MAX_PIECE_BYTES, end - at);
        runtime.submit(id -> new Event.ClientRequest(id, volume, kind, pieceOffset, length, flags, null), done -> {
          NbdError error = errorOf(done.status());
          if (error != NbdError.NONE) {
            firstError.compareAndSet(NbdError.NONE, error);
          }
          if (left.decrementAndGet() == 0) {
            completion.complete(firstError.get(), null);
          }
        });
      }
    }

    @Override
    public void detach() {
      runtime.tell(new Event.ClientDetach(access));
    }
  }

  private static RequestKind kindOf(NbdCommand command) {
    switch (command) {
      case READ:
        return RequestKind.READ;
      case WRITE:
        return RequestKind.WRITE;
      case FLUSH:
        return RequestKind.FLUSH;
      case TRIM:
        return RequestKind.TRIM;
      case WRITE_ZEROES:
        return RequestKind.WRITE_ZEROES;
      default:
        throw new IllegalArgumentException("unknown NBD command " + command);
    }
  }

  static NbdError errorOf(IoStatus status) {
    switch (status) {
      case OK:
        return NbdError.NONE;
      case NO_SPACE:
        return NbdError.ENOSPC;
      case NOT_PERMITTED:
      case REFUSED:
        return NbdError.EPERM;
      case INVALID:
        return NbdError.EINVAL;
      case IO_ERROR:
      default:
        return NbdError.EIO;
    }
  }
}
