package dev.hearth.chat;

import java.util.Iterator;

/**
 * A Python generator, which is what {@code map}, {@code select}, {@code selectattr}, {@code reject}
 * and friends return in jinja2. Templates can see the difference from a list: a generator is always
 * truthy, has no length, cannot be JSON-serialized, and can be consumed only once.
 */
final class PyIterator implements Iterator<Object> {

    private final Iterator<Object> source;

    PyIterator(Iterator<Object> source) {
        this.source = source;
    }

    @Override
    public boolean hasNext() { return source.hasNext(); }

    @Override
    public Object next() { return source.next(); }
}
