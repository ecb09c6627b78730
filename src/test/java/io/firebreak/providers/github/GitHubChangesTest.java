package io.firebreak.providers.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** GitHub's link header and timestamp forms, as its docs show them and as they vary. */
class GitHubChangesTest {

    @Test
    void theNextPageIsReadFromTheLinkHeaderOnlyByNumber() {
        assertEquals(2, GitHubChanges.nextPage("<https://api.github.com/repositories/1300192/issues?page=2>; rel=\"next\", "
                + "<https://api.github.com/repositories/1300192/issues?page=515>; rel=\"last\""));
        assertEquals(3, GitHubChanges.nextPage("<https://api.github.com/repositories/1/commits?per_page=100&page=3&since=x>;"
                + " rel=\"next\""));
        // The next link need not come first.
        assertEquals(5, GitHubChanges.nextPage("<https://x/y?page=1>; rel=\"prev\", <https://x/y?per_page=100&page=5>; rel=\"next\""));
        assertNull(GitHubChanges.nextPage("<https://x/y?page=1>; rel=\"prev\", <https://x/y?page=1>; rel=\"first\""));
        // Cursor-paged lists are not followed by number.
        assertNull(GitHubChanges.nextPage("<https://x/y?per_page=100&after=Y3Vyc29y>; rel=\"next\""));
        assertNull(GitHubChanges.nextPage(null));
        // per_page=10 must not read as page=10.
        assertNull(GitHubChanges.nextPage("<https://x/y?per_page=10>; rel=\"next\""));
    }

    @Test
    void windowsAreSentInGitHubsSecondForm() {
        Instant at = Instant.parse("2026-12-01T10:00:00.250Z");
        assertEquals("2026-12-01T10:00:00Z", GitHubChanges.seconds(at, false));
        assertEquals("2026-12-01T10:00:01Z", GitHubChanges.seconds(at, true));
        assertEquals("2026-12-01T10:00:00Z", GitHubChanges.seconds(Instant.parse("2026-12-01T10:00:00Z"), true));
    }
}
