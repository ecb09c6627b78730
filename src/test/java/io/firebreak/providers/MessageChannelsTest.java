package io.firebreak.providers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.firebreak.platform.LogText;

/** What reaches other systems from a caller's text: Slack markup escaped, log lines unforgeable. */
class MessageChannelsTest {

    @Test
    void slackShowsMarkupAsWrittenNeverAsAMentionOrADisguisedLink() {
        assertEquals("&lt;!channel&gt; pay at &lt;https://evil.example|log in&gt; &amp; more",
                MessageChannels.slackText("<!channel> pay at <https://evil.example|log in> & more"));
    }

    @Test
    void aLogLineCannotBeForgedByANewline() {
        assertEquals("793456\\u000a12:00:00 INFO forged", LogText.loggable("793456\n12:00:00 INFO forged"));
        assertEquals(203, LogText.loggable("x".repeat(500)).length());
    }
}
