package io.github.mae4j.site;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Debian's headless Chromium driven over the DevTools protocol (a WebSocket from {@code java.net.http}, no
 * browser-automation library): one page, its console errors, JavaScript evaluation and screenshots.
 */
final class HeadlessChromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TIMEOUT_S = 60;

  private final Process process;
  private final WebSocket socket;
  private final String session;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<Consumer<JsonNode>> listeners = new CopyOnWriteArrayList<>();
  private final List<String> errors = new CopyOnWriteArrayList<>();
  private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();

  /**
   * The browser's executable: {@code $CHROMIUM}, else the first of chromium, chromium-browser on the PATH; none when
   * {@code CHROMIUM=none} (to skip the browser checks on purpose).
   */
  static Optional<Path> find() {
    String env = System.getenv("CHROMIUM");
    if ("none".equals(env)) {
      return Optional.empty();
    }
    if (env != null && Files.isExecutable(Path.of(env))) {
      return Optional.of(Path.of(env));
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      for (String name : new String[] {"chromium", "chromium-browser"}) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Starts the browser with a fresh profile in {@code profile} and opens one page.
   *
   * @throws IOException when the browser does not start or does not offer its DevTools endpoint; the message
   *     holds what it printed
   */
  static HeadlessChromium start(Path executable, Path profile) throws IOException, InterruptedException {
    List<String> cmd = List.of(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
        "--hide-scrollbars", "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    CompletableFuture<String> endpoint = new CompletableFuture<>();
    StringBuilder output = new StringBuilder();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (output) {
            output.append(line).append('\n');
          }
          int at = line.indexOf("DevTools listening on ");
          if (at >= 0) {
            endpoint.complete(line.substring(at + "DevTools listening on ".length()).strip());
          }
        }
      } catch (IOException e) {
        // the process ended
      }
      endpoint.completeExceptionally(new IOException("the browser exited before offering DevTools"));
    }, "chromium-output");
    reader.setDaemon(true);
    reader.start();
    String ws;
    try {
      ws = endpoint.get(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      p.destroyForcibly();
      synchronized (output) {
        throw new IOException(String.join(" ", cmd) + " did not start: " + e.getMessage() + "\n" + output, e);
      }
    }
    return new HeadlessChromium(p, ws);
  }

  private HeadlessChromium(Process process, String browserEndpoint) throws IOException, InterruptedException {
    this.process = process;
    try {
      this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create(browserEndpoint), new Receiver()).get(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IOException("cannot connect to " + browserEndpoint, e);
    }
    String target = send(null, "Target.createTarget", Map.of("url", "about:blank")).get("targetId").asText();
    this.session = send(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true))
        .get("sessionId").asText();
    listeners.add(this::onEvent);
    send("Page.enable", Map.of());
    send("Runtime.enable", Map.of());
    send("Log.enable", Map.of());
  }

  private void onEvent(JsonNode msg) {
    if (!session.equals(msg.path("sessionId").asText())) {
      return;
    }
    JsonNode params = msg.path("params");
    switch (msg.path("method").asText()) {
      case "Page.loadEventFired" -> loaded.complete(null);
      case "Runtime.consoleAPICalled" -> {
        String type = params.path("type").asText();
        if (type.equals("error") || type.equals("assert")) {
          List<String> args = new ArrayList<>();
          params.path("args").forEach(a -> args.add(a.path("value").asText(a.path("description").asText())));
          errors.add("console." + type + ": " + String.join(" ", args));
        }
      }
      case "Runtime.exceptionThrown" -> errors.add("uncaught: " + params.path("exceptionDetails")
          .path("exception").path("description").asText(params.path("exceptionDetails").path("text").asText()));
      case "Log.entryAdded" -> {
        JsonNode entry = params.path("entry");
        if (entry.path("level").asText().equals("error")) {
          errors.add("log: " + entry.path("text").asText() + " " + entry.path("url").asText());
        }
      }
      default -> { }
    }
  }

  /** Opens {@code url} in the page and waits for its load event; the errors of the previous page are dropped. */
  void open(String url) throws IOException {
    errors.clear();
    loaded = new CompletableFuture<>();
    JsonNode r = send("Page.navigate", Map.of("url", url));
    if (r.hasNonNull("errorText")) {
      throw new IOException("cannot open " + url + ": " + r.get("errorText").asText());
    }
    try {
      loaded.get(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException(url + " did not finish loading", e);
    }
  }

  /** Console errors, uncaught exceptions and failed loads (a missing image, script, style) of the current page. */
  List<String> errors() {
    return List.copyOf(errors);
  }

  /** The value of a JavaScript expression in the page (awaited when it is a promise). */
  JsonNode eval(String expression) throws IOException {
    JsonNode r = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
        "awaitPromise", true));
    if (r.has("exceptionDetails")) {
      throw new IOException(expression + " threw " + r.get("exceptionDetails"));
    }
    return r.path("result").path("value");
  }

  /** Sets the viewport: {@code mobile} emulates a phone (touch, device-width layout). */
  void viewport(int width, int height, boolean mobile) throws IOException {
    send("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1,
        "mobile", mobile));
  }

  /** A PNG of the whole page at {@code width} CSS pixels wide (the viewport grows to the content's height). */
  byte[] fullPageScreenshot(int width, boolean mobile) throws IOException {
    viewport(width, 900, mobile);
    JsonNode size = send("Page.getLayoutMetrics", Map.of()).path("cssContentSize");
    int height = (int) Math.min(20000, Math.ceil(size.path("height").asDouble(900)));
    viewport(width, Math.max(height, 400), mobile);
    JsonNode shot = send("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
    return java.util.Base64.getDecoder().decode(shot.get("data").asText());
  }

  private JsonNode send(String method, Map<String, Object> params) throws IOException {
    return send(session, method, params);
  }

  private JsonNode send(@Nullable String sessionId, String method, Map<String, Object> params) throws IOException {
    int id = ids.incrementAndGet();
    ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
    msg.set("params", JSON.valueToTree(params));
    if (sessionId != null) {
      msg.put("sessionId", sessionId);
    }
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    try {
      socket.sendText(msg.toString(), true).get(TIMEOUT_S, TimeUnit.SECONDS);
      JsonNode r = reply.get(TIMEOUT_S, TimeUnit.SECONDS);
      if (r.has("error")) {
        throw new IOException(method + " failed: " + r.get("error"));
      }
      return r.path("result");
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(method + " got no answer", e);
    } finally {
      pending.remove(id);
    }
  }

  @Override
  public void close() {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing anyway
    }
    // the browser's helper processes (renderer, zygote, GPU) write to the profile until they end: end them all
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    all.add(process.toHandle());
    all.forEach(ProcessHandle::destroy);
    for (ProcessHandle h : all) {
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    }
  }

  private final class Receiver implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        try {
          JsonNode msg = JSON.readTree(text.toString());
          if (msg.has("id")) {
            CompletableFuture<JsonNode> f = pending.get(msg.get("id").asInt());
            if (f != null) {
              f.complete(msg);
            }
          } else {
            listeners.forEach(l -> l.accept(msg));
          }
        } catch (IOException e) {
          errors.add("unreadable DevTools message: " + e.getMessage());
        }
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }
  }
}
