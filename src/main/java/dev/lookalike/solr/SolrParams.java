package dev.lookalike.solr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A request's parameters in order, a name given as often as needed (Solr takes several {@code fq}). */
public final class SolrParams {

    private final List<Map.Entry<String, String>> entries = new ArrayList<>();

    public SolrParams add(String name, String value) {
        entries.add(Map.entry(name, value));
        return this;
    }

    /** Replaces every value of {@code name} with this one. */
    public SolrParams set(String name, String value) {
        entries.removeIf(e -> e.getKey().equals(name));
        return add(name, value);
    }

    public SolrParams copy() {
        SolrParams p = new SolrParams();
        p.entries.addAll(entries);
        return p;
    }

    public List<Map.Entry<String, String>> entries() {
        return List.copyOf(entries);
    }

    /** By name, each name's values in order, as {@link SolrHttp#select(String, Map)} takes them. */
    public Map<String, List<String>> asMap() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : entries) {
            m.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
        return m;
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}
