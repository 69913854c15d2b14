package dev.hearth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromptLookupTest {
    @Test
    void proposesWhatFollowedTheLatestEarlierMatch() {
        int[] h = {1, 2, 3, 9, 9, 1, 2, 3, 7, 8, 5, 1, 2, 3};
        // "1 2 3" occurred at 0 (then 9 9 1 ...) and at 5 (then 7 8 5 ...): the latest wins
        assertThat(PromptLookup.draft(h, h.length, 3, 4)).containsExactly(7, 8, 5, 1);
        assertThat(PromptLookup.draft(h, h.length, 3, 2)).containsExactly(7, 8);
        // only what the history holds: the draft stops at its end
        assertThat(PromptLookup.draft(h, h.length, 3, 100)).containsExactly(7, 8, 5, 1, 2, 3);
        // a prefix of the array is the history
        assertThat(PromptLookup.draft(h, 8, 3, 4)).containsExactly(9, 9, 1, 2);
    }

    @Test
    void nothingWithoutAMatch() {
        int[] h = {1, 2, 3, 4, 5, 6};
        assertThat(PromptLookup.draft(h, h.length, 2, 4)).isEmpty();
        assertThat(PromptLookup.draft(h, 2, 2, 4)).isEmpty(); // no earlier position to match
        assertThat(PromptLookup.draft(new int[] {4, 4}, 2, 1, 0)).isEmpty(); // nothing asked for
    }

    @Test
    void aRunOfOneTokenDraftsMoreOfIt() {
        int[] h = {5, 5, 5, 5};
        assertThat(PromptLookup.draft(h, h.length, 2, 8)).containsExactly(5);
        assertThat(PromptLookup.draft(h, h.length, 1, 8)).containsExactly(5);
    }
}
