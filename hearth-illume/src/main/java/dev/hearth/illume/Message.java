package dev.hearth.illume;

/** One chat message; encoded as {@code {"role":…,"content":…}} in that order, as Illume's Go struct is. */
public record Message(String role, String content) {}
