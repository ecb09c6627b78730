package io.firebreak;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** docs/access-and-errors.md's catalogue lists exactly the error codes the code can answer, each under its status. */
class ErrorCatalogueTest {

    static final Path CATALOGUE = Path.of("docs/access-and-errors.md");

    /**
     * Where a code is given, and which argument holds it: a refusal (new FunctionError(status, code,
     * ...), or super(...) in a subclass), bad input (badInput(code, ...): 400), unavailability
     * (unavailable(code, ...): 503), and the bindings' own answers (ErrorBody.send(ctx, status, code,
     * ...) in http/, ErrorJson.of(status, code, ...) in lambda/).
     */
    enum Site {
        REFUSAL("\\bnew\\s+(?:[\\w.]+\\.)?FunctionError\\s*\\(", 0, 1), // also io.firebreak...FunctionError
        SUBCLASS("\\bsuper\\s*\\(", 0, 1),
        BAD_INPUT("(?<![\\w$])badInput\\s*\\(", -400, 0),
        UNAVAILABLE("(?<![\\w$])unavailable\\s*\\(", -503, 0),
        HTTP_BINDING("\\bErrorBody\\s*\\.\\s*send\\s*\\(", 1, 2),
        LAMBDA_BINDING("\\bErrorJson\\s*\\.\\s*of\\s*\\(", 0, 1),
        /** A subclass of FunctionError made with (status, code, ...) literals (RailwayActions.Failure); the pattern is filled per scan. */
        SUBCLASS_NEW(null, 0, 1);

        final Pattern start;
        /** The argument holding the status, or minus the status the factory always answers. */
        final int status;
        final int code;

        Site(String start, int status, int code) {
            this.start = start == null ? null : Pattern.compile(start);
            this.status = status;
            this.code = code;
        }
    }

    /** A code argument that is one literal, or a choice between literals (cond ? "a" : "b"). */
    static final Pattern LITERALS = Pattern.compile("(?:[^\"]*\\?\\s*)?\"([a-z][a-z_]*)\"(?:\\s*:\\s*\"([a-z][a-z_]*)\")?");

    /**
     * Code arguments that are not literals, each with why the catalogue still covers it. Any other
     * expression fails the test: a code the scan cannot read would be a code nobody documented.
     */
    static final Map<String, String> FORWARDED = Map.of(
            "code", "a factory or binding forwarding its own parameter (FunctionError, ErrorJson, ErrorBody)",
            "e.path(\"code\").asText()", "an idempotent replay of a refusal answered (and scanned) before",
            "database + \"_unavailable\"", "DatabaseUnavailable: one code per database, ops_unavailable and target_unavailable");

    @Test
    void theCatalogueListsExactlyTheCodesTheCodeCanAnswer() throws IOException {
        Map<String, Set<String>> codes = new TreeMap<>(); // code -> statuses ("4xx" when the status is not a literal)
        List<String> unreadable = new ArrayList<>();
        Set<String> forwardedSeen = new TreeSet<>();
        // All of src/main/java, whatever the packages are called: a new package is scanned too.
        List<Path> sources;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        // The subclasses of FunctionError, wherever they are: a "new Failure(502, \"railway_refused\", ...)" gives a code too.
        Set<String> subclasses = new TreeSet<>();
        for (Path f : sources) {
            Matcher sub = Pattern.compile("\\bclass\\s+(\\w+)\\s+extends\\s+FunctionError\\b").matcher(withoutComments(Files.readString(f)));
            while (sub.find()) {
                subclasses.add(sub.group(1));
            }
        }
        Pattern subclassNew = Pattern.compile("\\bnew\\s+(?:" + String.join("|", subclasses) + ")\\s*\\(");
        {
            for (Path f : sources) {
                String source = withoutComments(Files.readString(f));
                boolean subclass = Pattern.compile("\\bextends\\s+FunctionError\\b").matcher(source).find();
                for (Site site : Site.values()) {
                    if (site == Site.SUBCLASS && !subclass) {
                        continue;
                    }
                    Matcher m = (site == Site.SUBCLASS_NEW ? subclassNew : site.start).matcher(source);
                    while (m.find()) {
                        List<String> args = arguments(source, m.end());
                        if (args.size() <= site.code || args.get(0).startsWith("String ")
                                || (site == Site.SUBCLASS && args.size() < 4)
                                || (site == Site.SUBCLASS_NEW && !args.get(0).matches("\\d{3}"))) {
                            continue; // a declaration, a FunctionError passed on whole, another super(...), or a subclass of its own arguments
                        }
                        String code = args.get(site.code);
                        String status = site.status < 0 ? String.valueOf(-site.status)
                                : args.get(site.status).matches("\\d{3}") ? args.get(site.status) : "4xx";
                        Matcher lit = LITERALS.matcher(code);
                        if (lit.matches()) {
                            for (int g = 1; g <= 2; g++) {
                                if (lit.group(g) != null) {
                                    codes.computeIfAbsent(lit.group(g), k -> new TreeSet<>()).add(status);
                                }
                            }
                        } else if (FORWARDED.containsKey(code)) {
                            forwardedSeen.add(code);
                            if (code.equals("database + \"_unavailable\"")) {
                                codes.computeIfAbsent("ops_unavailable", k -> new TreeSet<>()).add(status);
                                codes.computeIfAbsent("target_unavailable", k -> new TreeSet<>()).add(status);
                            }
                        } else {
                            unreadable.add(f + ": " + site + " with code " + code);
                        }
                    }
                }
            }
        }
        assertTrue(unreadable.isEmpty(), "error codes the scan cannot read (make them literals, or add the "
                + "expression to FORWARDED with why the catalogue still covers it):\n" + String.join("\n", unreadable));
        assertTrue(forwardedSeen.equals(FORWARDED.keySet()), "FORWARDED lists expressions the code no longer has: "
                + FORWARDED.keySet().stream().filter(e -> !forwardedSeen.contains(e)).toList());
        assertTrue(codes.size() > 50, "the scan found the codes (" + codes.size() + ")");

        Map<String, String> catalogue = catalogue();
        Set<String> missing = new TreeSet<>(codes.keySet());
        missing.removeAll(catalogue.keySet());
        assertTrue(missing.isEmpty(), CATALOGUE + "'s error catalogue lacks " + missing);
        Set<String> stale = new TreeSet<>(catalogue.keySet());
        stale.removeAll(codes.keySet());
        assertTrue(stale.isEmpty(), CATALOGUE + "'s error catalogue lists codes the code no longer answers: " + stale);
        List<String> wrongStatus = new ArrayList<>();
        codes.forEach((code, statuses) -> {
            String listed = catalogue.get(code);
            for (String status : statuses) {
                // A status the code computes (the HTTP router's 4xx) is listed as 4xx.
                if (!status.equals(listed)) {
                    wrongStatus.add(code + " is answered with " + status + ", listed under " + listed);
                }
            }
        });
        assertTrue(wrongStatus.isEmpty(), String.join("\n", wrongStatus));
    }

    /** code -> status, from the rows of the table under "## Error catalogue". */
    static Map<String, String> catalogue() throws IOException {
        String page = Files.readString(CATALOGUE);
        int start = page.indexOf("## Error catalogue");
        assertTrue(start >= 0, CATALOGUE + " has an \"Error catalogue\" section");
        int end = page.indexOf("\n## ", start + 1);
        String section = page.substring(start, end < 0 ? page.length() : end);
        Map<String, String> catalogue = new TreeMap<>();
        Matcher row = Pattern.compile("(?m)^\\| (\\d{3}|\\dxx) \\| ([^|]+) \\|").matcher(section);
        while (row.find()) {
            Matcher code = Pattern.compile("`([a-z][a-z_]*)`").matcher(row.group(2));
            while (code.find()) {
                String before = catalogue.put(code.group(1), row.group(1));
                assertTrue(before == null, code.group(1) + " is listed twice (" + before + ", " + row.group(1) + ")");
            }
        }
        return catalogue;
    }

    /** The source with comments blanked (strings kept), so Javadoc mentioning a call is not a call. */
    static String withoutComments(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (s.startsWith("//", i)) {
                while (i < s.length() && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (s.startsWith("/*", i)) {
                int close = s.indexOf("*/", i + 2);
                int stop = close < 0 ? s.length() : close + 2;
                for (; i < stop; i++) {
                    out.append(s.charAt(i) == '\n' ? '\n' : ' ');
                }
            } else if (c == '"' || c == '\'') {
                int stop = literalEnd(s, i);
                out.append(s, i, stop);
                i = stop;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Where the string, text block or char literal starting at i ends (exclusive). */
    static int literalEnd(String s, int i) {
        if (s.startsWith("\"\"\"", i)) {
            int close = s.indexOf("\"\"\"", i + 3);
            return close < 0 ? s.length() : close + 3;
        }
        char quote = s.charAt(i);
        int j = i + 1;
        while (j < s.length() && s.charAt(j) != quote) {
            j += s.charAt(j) == '\\' ? 2 : 1;
        }
        return Math.min(j + 1, s.length());
    }

    /** The top-level arguments of the call whose "(" ends at open, trimmed and with whitespace runs collapsed. */
    static List<String> arguments(String s, int open) {
        List<String> args = new ArrayList<>();
        StringBuilder arg = new StringBuilder();
        int depth = 0;
        int i = open;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'') {
                int stop = literalEnd(s, i);
                arg.append(s, i, stop);
                i = stop;
                continue;
            }
            if (depth == 0 && (c == ',' || c == ')')) {
                args.add(arg.toString().strip().replaceAll("\\s+", " "));
                arg.setLength(0);
                if (c == ')') {
                    break;
                }
            } else {
                if (c == '(' || c == '[' || c == '{') {
                    depth++;
                } else if (c == ')' || c == ']' || c == '}') {
                    depth--;
                }
                arg.append(c);
            }
            i++;
        }
        if (args.size() == 1 && args.get(0).isEmpty()) {
            args.clear();
        }
        return args;
    }
}
