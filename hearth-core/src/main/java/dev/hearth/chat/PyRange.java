package dev.hearth.chat;

import java.util.AbstractList;

/**
 * Python's {@code range} object, what {@code range(n)} returns in jinja2. It behaves as an
 * immutable list of ints for iteration, indexing, {@code in} and length, but prints as
 * {@code range(0, 3)}, never equals a list, and is not JSON serializable.
 */
final class PyRange extends AbstractList<Object> {

    final long start, stop, step;
    private final int size;

    PyRange(long start, long stop, long step) {
        this.start = start;
        this.stop = stop;
        this.step = step;
        long n = step > 0 ? (stop - start + step - 1) / step : (start - stop - step - 1) / -step;
        this.size = (int) Math.max(0, n);
    }

    @Override
    public Object get(int index) {
        if (index < 0 || index >= size) throw new IndexOutOfBoundsException(index);
        return start + index * step;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public String toString() {
        return "range(" + start + ", " + stop + (step != 1 ? ", " + step : "") + ")";
    }
}
