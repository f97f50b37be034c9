package dev.switchboard.common.web;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Has Tomcat answer the requests it refuses itself, before any servlet sees them (an encoded {@code /} or
 * {@code \} in the path, an invalid character, headers too large), with a JSON problem detail like every other
 * error of the service, rather than its HTML error page. A client reading errors as JSON gets one it can read.
 */
public final class JsonTomcatErrors implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> {

    @Override
    public void customize(final ConfigurableTomcatWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
            }
        });
    }

    /** Tomcat's error report, as a problem detail. Public, with a public constructor: Tomcat creates it by name. */
    public static final class JsonErrorReportValve extends ErrorReportValve {

        private static final JsonMapper JSON = JsonMapper.builder().build();

        @Override
        protected void report(final Request request, final Response response, final Throwable throwable) {
            final int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0) {
                return;
            }
            final HttpStatus known = HttpStatus.resolve(status);
            final Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("type", "about:blank");
            problem.put("title", known == null ? "Error" : known.getReasonPhrase());
            problem.put("status", status);
            problem.put("detail", status == 400
                ? "The request could not be read: its path or headers are malformed (an encoded '/' or '\\' in the "
                    + "path, a character a URL may not hold, or headers too large)"
                : "The request was refused before it reached the service (HTTP " + status + ")");
            try {
                final Writer writer = response.getReporter();
                if (writer != null) {
                    response.setContentType("application/problem+json");
                    response.setCharacterEncoding("UTF-8");
                    writer.write(JSON.writeValueAsString(problem));
                    response.finishResponse();
                }
            } catch (IOException | IllegalStateException e) {
                // The client went away, or the answer was already under way: nothing more to say.
            }
        }
    }
}
