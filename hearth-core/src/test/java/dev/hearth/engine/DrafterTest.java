package dev.hearth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DrafterTest {
    static final int[] HISTORY = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2};

    @Test
    void timesAPlainStepFirstThenTriesTheDraft() {
        DraftCost cost = new DraftCost();
        Drafter d = new Drafter(new Speculation(4, 0, 2, false), cost);
        assertThat(d.draft(HISTORY, HISTORY.length, 100)).isEmpty(); // no plain step timed yet
        cost.record(0, 10_000_000);
        assertThat(d.draft(HISTORY, HISTORY.length, 100)).containsExactly(3, 4, 5, 6); // extra tokens not timed yet
        assertThat(d.draft(HISTORY, HISTORY.length, 2)).containsExactly(3, 4); // never past the limit
    }

    @Test
    void verifiesWhereAcceptanceAndCostMakeItFaster() {
        DraftCost cost = new DraftCost();
        cost.record(0, 10_000_000);
        cost.record(4, 10_000_000 + 4 * 500_000); // cheap extra tokens: a small model, overhead-bound
        Drafter good = new Drafter(new Speculation(4, 0, 2, false), cost);
        good.verified(4, 4);
        good.verified(4, 3);
        assertThat(good.acceptance()).isGreaterThan(0.7);
        assertThat(good.choose(4)).isEqualTo(4);

        Drafter bad = new Drafter(new Speculation(4, 0, 2, false), cost);
        for (int i = 0; i < 10; i++) bad.verified(4, 0);
        assertThat(bad.choose(4)).isZero();

        DraftCost dear = new DraftCost(); // a big model: each extra token costs most of a step
        dear.record(0, 30_000_000);
        dear.record(8, 30_000_000 + 8 * 25_000_000L);
        Drafter onBig = new Drafter(new Speculation(4, 0, 2, false), dear);
        onBig.verified(4, 3);
        assertThat(onBig.choose(4)).isZero();
        for (int i = 0; i < 50; i++) onBig.verified(4, 4); // nearly every draft accepted: then it pays
        assertThat(onBig.choose(4)).isEqualTo(4);
    }

    @Test
    void learnsFromDeclinedDraftsAndTriesOneNowAndThen() {
        DraftCost cost = new DraftCost();
        cost.record(0, 10_000_000);
        cost.record(4, 10_000_000 + 4 * 20_000_000L);
        Drafter d = new Drafter(new Speculation(4, 0, 2, false), cost);
        double before = d.acceptance();
        assertThat(d.draft(HISTORY, HISTORY.length, 100)).isEmpty(); // declined: 3 4 5 6 kept to compare
        d.generated(3);
        d.generated(4);
        d.generated(9);
        assertThat(d.acceptance()).isGreaterThan(before); // 2 of 3 checked positions matched
        int tried = 0;
        for (int i = 0; i < 64; i++) tried += d.draft(HISTORY, HISTORY.length, 100).length;
        assertThat(tried).isPositive().isLessThan(64);
    }

    @Test
    void alwaysVerifiesEveryDraftAndCountsThem() {
        Drafter d = new Drafter(new Speculation(3, 0, 2, true), new DraftCost());
        assertThat(d.draft(HISTORY, HISTORY.length, 100)).containsExactly(3, 4, 5);
        d.verified(3, 1);
        assertThat(d.draftedCount()).isEqualTo(3);
        assertThat(d.acceptedCount()).isEqualTo(1);
        Drafter min = new Drafter(new Speculation(8, 4, 2, true), new DraftCost());
        assertThat(min.draft(HISTORY, HISTORY.length, 3)).isEmpty(); // shorter than --draft-min
    }
}
