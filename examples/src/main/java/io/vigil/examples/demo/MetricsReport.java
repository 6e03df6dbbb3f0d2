package io.vigil.examples.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Scrapes the demo's own Prometheus endpoint and prints Vigil's figures. */
final class MetricsReport {

    private MetricsReport() {
    }

    static void print(URI uri, Timeline timeline) throws IOException, InterruptedException {
        HttpResponse<String> scrape = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        timeline.line("Scraped " + uri + " (HTTP " + scrape.statusCode() + "):");
        for (String line : scrape.body().split("\n")) {
            if (line.startsWith("vigil_")) {
                timeline.line("  " + line);
            }
        }
    }
}
