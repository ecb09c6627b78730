package io.firebreak.platform;

/** Text from drivers, callers and providers made fit for an answer or a log line. */
public final class LogText {

    private LogText() {
    }

    /** A driver message without the SQL state suffix or stack details, fit for an answer. */
    public static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /**
     * A caller's or provider's text as a log line may hold it: control characters escaped (a newline
     * cannot forge a second line), at most 200 characters.
     */
    public static String loggable(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), 200) + 8);
        for (int i = 0; i < text.length() && out.length() < 200; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return text.length() > 200 ? out.append("...").toString() : out.toString();
    }
}
