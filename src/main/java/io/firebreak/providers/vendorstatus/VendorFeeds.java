package io.firebreak.providers.vendorstatus;

import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import io.firebreak.providers.vendorstatus.VendorPage.Level;
import io.firebreak.providers.vendorstatus.VendorPage.Maintenance;
import io.firebreak.providers.vendorstatus.VendorPage.VendorIncident;

/**
 * An RSS 2.0 or Atom status feed read into a {@link VendorPage}. A feed has no "open" flag, so the
 * rule is: items are grouped into incidents by link (else by title without its status prefix);
 * an incident is open when its newest item is within the window and its status word (a title's
 * "[Resolved]" / "Resolved:" prefix, else the text's first word or its first "Word - " update
 * line, newest first, as Statuspage, Instatus and Better Stack write them) is not resolved, completed, closed or postmortem; a status word of
 * scheduled, in progress or verifying makes it a maintenance (scheduled ones are left out). The
 * impact of a feed incident is unknown, so it counts as minor. Parsing is StAX with DTDs refused
 * and external entities off (no XXE, no entity expansion), which also runs in a native image.
 */
public final class VendorFeeds {

    static final Pattern BRACKET = Pattern.compile("^\\s*\\[([^\\]]{1,40})]\\s*");
    static final Pattern COLON = Pattern.compile(
            "^\\s*(resolved|completed|investigating|identified|monitoring|update|scheduled|in progress|verifying|postmortem|closed)\\s*[:\\-–—]\\s*",
            Pattern.CASE_INSENSITIVE);
    static final Pattern LEADING = Pattern.compile(
            "^\\s*(resolved|completed|investigating|identified|monitoring|update|scheduled|in progress|verifying|postmortem|closed)\\b",
            Pattern.CASE_INSENSITIVE);
    /** Statuspage's and others' update lines inside the text, newest first: "Monitoring - A fix is rolling out." */
    static final Pattern UPDATE = Pattern.compile(
            "\\b(resolved|completed|investigating|identified|monitoring|update|scheduled|in progress|verifying|postmortem)\\s*[-–—:]\\s",
            Pattern.CASE_INSENSITIVE);
    static final Pattern TAG = Pattern.compile("<[^>]*>");
    static final Pattern RESOLVED_TEXT = Pattern.compile("\\b(has been|is now|was|been) resolved\\b", Pattern.CASE_INSENSITIVE);

    private VendorFeeds() {
    }

    /** One item (RSS) or entry (Atom) as read. */
    record Item(String title, String link, String id, String text, Instant at) {
    }

    public static VendorPage parse(String body, Instant now, Duration window) {
        List<Item> items = items(body);
        Map<String, Item> newest = new LinkedHashMap<>();
        int undated = 0;
        for (Item item : items) {
            if (item.at() == null) {
                undated++;
                continue;
            }
            String key = item.link() != null ? item.link() : clean(item.title()).toLowerCase(Locale.ROOT);
            newest.merge(key, item, (a, b) -> b.at().isAfter(a.at()) ? b : a);
        }
        List<VendorIncident> incidents = new ArrayList<>();
        List<Maintenance> maintenances = new ArrayList<>();
        Instant since = now.minus(window);
        List<Item> recent = newest.values().stream().filter(i -> !i.at().isBefore(since))
                .sorted(Comparator.comparing(Item::at).reversed()).toList();
        for (Item item : recent) {
            String word = statusWord(item);
            if (word != null && List.of("resolved", "completed", "closed", "postmortem").contains(word)) {
                continue;
            }
            if (word == null && item.text() != null && RESOLVED_TEXT.matcher(item.text()).find()) {
                continue;
            }
            if ("scheduled".equals(word)) {
                continue;
            }
            if ("in progress".equals(word) || "verifying".equals(word)) {
                if (maintenances.size() < VendorPages.MAX_ITEMS) {
                    maintenances.add(new Maintenance(item.id(), clean(item.title()), word.replace(' ', '_'), item.at(), null,
                            item.link(), List.of()));
                }
                continue;
            }
            if (incidents.size() < VendorPages.MAX_ITEMS) {
                incidents.add(new VendorIncident(item.id(), clean(item.title()), word == null ? "open" : word, "minor",
                        item.at(), item.link(), List.of()));
            }
        }
        Level indicator = incidents.isEmpty() ? Level.NONE : Level.MINOR;
        String description = incidents.isEmpty()
                ? "no open incident in the feed's last " + hours(window) + (undated > 0 ? " (" + undated + " undated items ignored)" : "")
                : incidents.size() + (incidents.size() == 1 ? " open incident" : " open incidents") + " in the feed";
        return new VendorPage(indicator, description, List.of(), List.copyOf(incidents), List.copyOf(maintenances));
    }

    /** The status word an item carries: the title's prefix, else the first word of its text; null if none. */
    static String statusWord(Item item) {
        String title = item.title() == null ? "" : item.title();
        Matcher b = BRACKET.matcher(title);
        if (b.find()) {
            return b.group(1).strip().toLowerCase(Locale.ROOT);
        }
        Matcher c = COLON.matcher(title);
        if (c.find()) {
            return c.group(1).toLowerCase(Locale.ROOT);
        }
        if (item.text() != null) {
            Matcher l = LEADING.matcher(item.text());
            if (l.find()) {
                return l.group(1).toLowerCase(Locale.ROOT);
            }
            Matcher u = UPDATE.matcher(item.text());
            if (u.find()) {
                return u.group(1).toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    /** The title without its status prefix. */
    static String clean(String title) {
        if (title == null || title.isBlank()) {
            return "(untitled)";
        }
        String t = BRACKET.matcher(VendorPages.printable(title)).replaceFirst("");
        t = COLON.matcher(t).replaceFirst("").strip();
        return t.isEmpty() ? title.strip() : t.length() > 300 ? t.substring(0, 300) + "…" : t;
    }

    static List<Item> items(String body) {
        if (body == null || body.isBlank()) {
            throw new VendorPages.Malformed("malformed feed: empty body");
        }
        List<Item> items = new ArrayList<>();
        XMLStreamReader r = null;
        try {
            // A factory per feed: factories are not promised to be thread-safe, and a feed is read about once a minute.
            r = factory().createXMLStreamReader(new StringReader(body));
            String root = null;
            String inItem = null;
            Map<String, String> fields = new LinkedHashMap<>();
            StringBuilder text = new StringBuilder();
            String field = null;
            while (r.hasNext()) {
                int event = r.next();
                if (event == XMLStreamConstants.DTD) {
                    throw new VendorPages.Malformed("malformed feed: a DTD is not accepted");
                }
                if (event == XMLStreamConstants.ENTITY_REFERENCE) {
                    throw new VendorPages.Malformed("malformed feed: entity reference &" + r.getLocalName() + ";");
                }
                if (event == XMLStreamConstants.START_ELEMENT) {
                    String name = r.getLocalName();
                    if (root == null) {
                        root = name;
                        if (!root.equals("rss") && !root.equals("feed") && !root.equals("RDF")) {
                            throw new VendorPages.Malformed("malformed feed: the document is <" + root + ">, not RSS or Atom");
                        }
                    } else if (inItem == null && (name.equals("item") || name.equals("entry"))) {
                        inItem = name;
                        fields.clear();
                    } else if (inItem != null) {
                        field = name;
                        text.setLength(0);
                        if (name.equals("link") && r.getAttributeValue(null, "href") != null
                                && (r.getAttributeValue(null, "rel") == null || "alternate".equals(r.getAttributeValue(null, "rel")))) {
                            fields.putIfAbsent("link", r.getAttributeValue(null, "href"));
                        }
                    }
                } else if (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA
                        || event == XMLStreamConstants.SPACE) {
                    if (field != null && text.length() < 20_000) {
                        text.append(r.getText());
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    String name = r.getLocalName();
                    if (inItem != null && name.equals(inItem)) {
                        items.add(item(fields));
                        inItem = null;
                        if (items.size() > 500) {
                            break;
                        }
                    } else if (inItem != null && name.equals(field)) {
                        String value = text.toString().strip();
                        if (!value.isEmpty()) {
                            fields.putIfAbsent(name, value);
                        }
                        field = null;
                    }
                }
            }
            if (root == null) {
                throw new VendorPages.Malformed("malformed feed: no root element");
            }
            return items;
        } catch (XMLStreamException | RuntimeException e) {
            if (e instanceof VendorPages.Malformed m) {
                throw m;
            }
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replaceAll("\\s+", " ");
            throw new VendorPages.Malformed("malformed feed: " + (message.length() > 160 ? message.substring(0, 160) + "…" : message));
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // a reader over a string holds nothing
                }
            }
        }
    }

    private static Item item(Map<String, String> f) {
        String text = f.containsKey("description") ? f.get("description") : f.containsKey("summary") ? f.get("summary")
                : f.get("content");
        if (text != null) {
            text = TAG.matcher(text).replaceAll(" ").replace("&nbsp;", " ").replaceAll("\\s+", " ").strip();
        }
        String link = f.get("link");
        Instant at = VendorPages.first(date(f.get("updated")), date(f.get("pubDate")), date(f.get("published")),
                date(f.get("date")));
        return new Item(f.get("title") == null ? null : VendorPages.printable(f.get("title")).strip(), VendorPages.link(link),
                VendorPages.first(f.get("guid"), f.get("id"), link), text, at);
    }

    /** RFC 822/1123 (RSS) or ISO-8601 (Atom, Dublin Core); anything else is undated. */
    static Instant date(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String v = s.strip();
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            // not ISO-8601
        }
        try {
            return ZonedDateTime.parse(v.replace(" UT", " GMT").replace(" Z", " GMT"), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
        } catch (DateTimeParseException e) {
            // not RFC 1123 either
        }
        try {
            return ZonedDateTime.parse(v, DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss zzz", Locale.ENGLISH)).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String hours(Duration window) {
        return window.toMinutes() % 60 == 0 ? window.toHours() + " h" : window.toMinutes() + " min";
    }

    private static XMLInputFactory factory() {
        // The JDK's own StAX parser (no service lookup, so the same one runs in a native image), with
        // DTDs and external entities off: a feed cannot make firebreak fetch or expand anything.
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        return f;
    }
}
