package dev.hearth.chat;

import java.util.AbstractList;
import java.util.List;

/**
 * What {@code dict.keys()}, {@code values()} and {@code items()} return: iterable, sized, and
 * usable with {@code in}, but not indexable, not equal to a list, printed as
 * {@code dict_keys(['a'])}, and not JSON serializable. (A snapshot; templates cannot mutate dicts.)
 */
final class PyDictView extends AbstractList<Object> {

    enum Kind {
        KEYS("dict_keys"), VALUES("dict_values"), ITEMS("dict_items");

        final String pythonName;

        Kind(String pythonName) { this.pythonName = pythonName; }
    }

    final Kind kind;
    private final List<Object> items;

    PyDictView(Kind kind, List<Object> items) {
        this.kind = kind;
        this.items = items;
    }

    @Override
    public Object get(int index) { return items.get(index); }

    @Override
    public int size() { return items.size(); }

    /** Python compares keys and items views as sets; a values view equals only itself. */
    boolean pyEquals(Object other) {
        if (other == this) return true;
        if (!(other instanceof PyDictView v) || v.kind != kind || kind == Kind.VALUES || v.size() != size()) return false;
        for (Object x : items) {
            if (v.items.stream().noneMatch(y -> PyOps.eq(x, y))) return false;
        }
        return true;
    }
}
