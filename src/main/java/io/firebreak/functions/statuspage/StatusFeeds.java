package io.firebreak.functions.statuspage;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The Atom and RSS feeds of incidents and maintenances (one entry each, its updates newest first,
 * as Statuspage's own history feeds do), and the SVG badge of the page's state.
 */
final class StatusFeeds {

    private final StatusView view;
    private final String base;

    StatusFeeds(StatusView view) {
        this.view = view;
        this.base = view.page().url().orElse("");
    }

    record Entry(String id, String title, String link, Instant updated, String html) {
    }

    List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (StatusView.IncidentView i : view.incidents()) {
            StringBuilder html = new StringBuilder();
            for (StatusView.Update u : i.updates()) {
                html.append("<p><small>").append(StatusHtml.HUMAN.format(u.at())).append("</small><br><strong>")
                        .append(StatusHtml.label(u.status())).append("</strong> - ").append(xml(u.body())).append("</p>");
            }
            out.add(new Entry("incident:" + i.id(), i.name(), base + "/incidents/" + i.id() + ".html", i.updatedAt(),
                    html.toString()));
        }
        for (StatusView.MaintenanceView m : view.maintenances()) {
            String html = "<p><strong>" + StatusHtml.label(m.status()) + "</strong> - " + xml(m.body()) + "</p><p>"
                    + StatusHtml.HUMAN.format(m.scheduledFor()) + " - " + StatusHtml.HUMAN.format(m.scheduledUntil()) + "</p>";
            out.add(new Entry("maintenance:" + m.id(), "[Maintenance] " + m.name(), base + "/maintenances/" + m.id() + ".html",
                    m.cancelledAt() != null ? m.cancelledAt() : m.createdAt(), html));
        }
        out.sort((a, b) -> b.updated().compareTo(a.updated()));
        return out;
    }

    String atom(Instant updated) {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n")
                .append("<id>tag:firebreak,2026:").append(xml(view.page().name())).append(":history</id>\n")
                .append("<title>").append(xml(view.page().name())).append(" status - incident history</title>\n")
                .append("<link rel=\"alternate\" type=\"text/html\" href=\"").append(xml(base)).append("/index.html\"/>\n")
                .append("<link rel=\"self\" type=\"application/atom+xml\" href=\"").append(xml(base)).append("/history.atom\"/>\n")
                .append("<updated>").append(StatuspageJson.time(updated)).append("</updated>\n");
        for (Entry e : entries()) {
            x.append("<entry>\n<id>tag:firebreak,2026:").append(xml(e.id())).append("</id>\n<title>").append(xml(e.title()))
                    .append("</title>\n<updated>").append(StatuspageJson.time(e.updated())).append("</updated>\n<link rel=\"alternate\" type=\"text/html\" href=\"")
                    .append(xml(e.link())).append("\"/>\n<content type=\"html\">").append(xml(e.html()))
                    .append("</content>\n</entry>\n");
        }
        return x.append("</feed>\n").toString();
    }

    String rss(Instant updated) {
        DateTimeFormatter rfc = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n")
                .append("<title>").append(xml(view.page().name())).append(" status - incident history</title>\n")
                .append("<link>").append(xml(base)).append("/index.html</link>\n")
                .append("<atom:link href=\"").append(xml(base)).append("/history.rss\" rel=\"self\" type=\"application/rss+xml\"/>\n")
                .append("<description>Incidents and maintenance of ").append(xml(view.page().name())).append("</description>\n")
                .append("<lastBuildDate>").append(rfc.format(updated)).append("</lastBuildDate>\n");
        for (Entry e : entries()) {
            x.append("<item>\n<title>").append(xml(e.title())).append("</title>\n<link>").append(xml(e.link()))
                    .append("</link>\n<guid isPermaLink=\"false\">").append(xml(e.id())).append("</guid>\n<pubDate>")
                    .append(rfc.format(e.updated())).append("</pubDate>\n<description>").append(xml(e.html()))
                    .append("</description>\n</item>\n");
        }
        return x.append("</channel>\n</rss>\n").toString();
    }

    /** A shields-style badge: the page's name and its state in words and colour. */
    String badge() {
        String text = switch (view.indicator()) {
            case "critical" -> "major outage";
            case "major" -> "partial outage";
            case "minor" -> "degraded";
            case "maintenance" -> "maintenance";
            default -> "operational";
        };
        String color = switch (view.indicator()) {
            case "critical" -> "#c62828";
            case "major" -> "#b35900";
            case "minor" -> "#8a6100";
            case "maintenance" -> "#1f5fbf";
            default -> "#1a7f37";
        };
        int left = 6 * 6 + 12;
        int right = text.length() * 7 + 12;
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + (left + right) + "\" height=\"20\" role=\"img\" aria-label=\"status: "
                + text + "\"><title>status: " + text + "</title><rect width=\"" + left + "\" height=\"20\" fill=\"#555\"/><rect x=\""
                + left + "\" width=\"" + right + "\" height=\"20\" fill=\"" + color + "\"/><g fill=\"#fff\" font-family=\"Verdana,sans-serif\" font-size=\"11\">"
                + "<text x=\"6\" y=\"14\">status</text><text x=\"" + (left + 6) + "\" y=\"14\">" + text + "</text></g></svg>\n";
    }

    static String xml(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
