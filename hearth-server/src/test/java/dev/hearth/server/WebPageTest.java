package dev.hearth.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The chat page in headless Chromium (Debian's {@code chromium} + {@code chromium-driver}): it loads
 * from the jar, sends a message, shows the streamed answer, and the stop button ends the stream.
 * Skipped where no chromedriver is installed.
 */
class WebPageTest {
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static HearthServer server;
    static ChromeDriver browser;
    static TestClient client;

    @BeforeAll
    static void start() {
        assumeTrue(Files.isExecutable(DRIVER), "chromium-driver is not installed");
        // one slot with a large context: the tiny model then streams long enough to be stopped mid-answer
        server = new HearthServer(ServerConfig.defaults(ServerTest.MODEL).withPort(0).withSlots(1, 8192).withThreads(1)).start();
        server.awaitReady();
        client = new TestClient(server.port());
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build(), o);
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (server != null) server.close();
    }

    @Test
    void sendsAMessageStreamsTheAnswerAndStops() throws Exception {
        browser.get("http://127.0.0.1:" + server.port() + "/");
        assertThat(browser.getTitle()).isEqualTo("Hearth");
        waitUntil(d -> d.findElement(By.id("model-name")).getText().equals("stories260K.gguf"));

        browser.findElement(By.id("input")).sendKeys("Tell me a story about a cat", Keys.ENTER);
        // the answer streams in: text appears while the stop button is shown
        WebElement stopButton = browser.findElement(By.id("stop"));
        waitUntil(d -> stopButton.isDisplayed() && !answerText().isEmpty());
        String partial = answerText();
        stopButton.click();
        waitUntil(d -> !stopButton.isDisplayed() && d.findElement(By.id("send")).isDisplayed());
        String stopped = answerText();
        assertThat(stopped).startsWith(partial.substring(0, Math.min(partial.length(), 5)));
        assertThat(browser.findElement(By.id("error")).isDisplayed()).isFalse();
        // stopping closed the stream, which freed the slot
        waitUntil(d -> {
            try {
                return !client.get("/slots").json().get(0).get("is_processing").asBoolean();
            } catch (Exception e) {
                return false;
            }
        });
        // the conversation is kept in the browser
        browser.navigate().refresh();
        waitUntil(d -> d.findElements(By.cssSelector(".msg.user")).size() == 1);
        assertThat(browser.findElement(By.cssSelector(".msg.user .content")).getText()).isEqualTo("Tell me a story about a cat");
        assertThat(browser.findElements(By.cssSelector("#conversations li"))).hasSize(1);
    }

    /** Polls the page until the condition holds (30 s at most). */
    private static void waitUntil(java.util.function.Predicate<ChromeDriver> condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.test(browser)) {
            if (System.nanoTime() > end) throw new AssertionError("the page did not reach the expected state");
            Thread.sleep(20);
        }
    }

    private static String answerText() {
        List<WebElement> answers = browser.findElements(By.cssSelector(".msg.assistant .content"));
        return answers.isEmpty() ? "" : answers.getLast().getText();
    }
}
