package dev.modehop.schemas.registry;

import java.util.concurrent.ConcurrentHashMap;

/** One client (and cache) per registry URL, shared by every serde of a process. */
public final class RegistryClients {
    private static final ConcurrentHashMap<String, SchemaRegistryClient> CLIENTS = new ConcurrentHashMap<>();

    private RegistryClients() {
    }

    public static SchemaRegistryClient forUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("no schema registry URL configured (schema.registry.url)");
        }
        return CLIENTS.computeIfAbsent(url, SchemaRegistryClient::new);
    }
}
