package io.firebreak.platform;

import java.util.function.Supplier;

/**
 * A manifest section a function parses once, on first use (at start-up, from its StartupEvent
 * observer, so a refused declaration stops the service before it serves a call).
 */
public final class Declared<T> {

    private final Supplier<T> parse;
    private volatile T value;

    public Declared(Supplier<T> parse) {
        this.parse = parse;
    }

    public T get() {
        T v = value;
        if (v == null) {
            v = parse.get();
            value = v;
        }
        return v;
    }
}
