package dev.hearth.chat;

import java.util.List;

/** A Python tuple: immutable sequence that prints as {@code (1, 2)} and never equals a list. */
record PyTuple(List<Object> items) {

    static PyTuple of(Object... items) {
        return new PyTuple(java.util.Arrays.asList(items));
    }
}
