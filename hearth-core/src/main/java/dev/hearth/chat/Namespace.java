package dev.hearth.chat;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * jinja2's {@code namespace()}: the one mutable object templates get, because a plain
 * {@code set} inside a loop does not survive the iteration. {@code {% set ns.x = 1 %}} writes here.
 */
final class Namespace {

    final Map<String, Object> attrs = new LinkedHashMap<>();

    @Override
    public String toString() {
        return "<Namespace " + PyFormat.repr(attrs) + ">";
    }
}
