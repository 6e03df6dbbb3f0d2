package io.vigil.core.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No two packages of {@code io.vigil.core} depend on each other, directly or around a loop: arrows only point down
 * (ARCHITECTURE.md). Read from the compiled classes, so it sees every real dependency (types in signatures, fields,
 * calls, casts) and none that lives only in Javadoc.
 */
class PackageCycleTest {

    private static final Path CLASSES = Paths.get("target", "classes");
    private static final Pattern REFERENCE = Pattern.compile("io/vigil/core/((?:[a-z_0-9]+/)*)[A-Za-z_$0-9]");

    @Test
    void corePackagesFormNoCycle() throws IOException {
        Map<String, Set<String>> graph = dependencies(CLASSES.resolve("io/vigil/core"));
        assertThat(graph).as("packages found under %s", CLASSES.toAbsolutePath())
                .containsKeys("machine", "handler", "event", "metrics", "socket", "kernel", "policy", "probe");
        assertThat(cycles(graph)).as("package cycles (each a group of packages that import each other)").isEmpty();
    }

    @Test
    void theCheckFindsACycle() {
        Map<String, Set<String>> graph = new TreeMap<>();
        graph.put("a", new TreeSet<>(List.of("b")));
        graph.put("b", new TreeSet<>(List.of("c")));
        graph.put("c", new TreeSet<>(List.of("a", "d")));
        graph.put("d", new TreeSet<>());
        assertThat(cycles(graph)).containsExactly(List.of("a", "b", "c"));
    }

    /** Package (relative to io.vigil.core, "" for the root) to the other packages its classes refer to. */
    private static Map<String, Set<String>> dependencies(Path root) throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String pkg = root.relativize(file.getParent()).toString().replace('/', '.');
                Set<String> uses = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
                for (String text : utf8Constants(file)) {
                    Matcher m = REFERENCE.matcher(text);
                    while (m.find()) {
                        String used = m.group(1).isEmpty() ? "" : m.group(1).substring(0, m.group(1).length() - 1)
                                .replace('/', '.');
                        if (!used.equals(pkg)) {
                            uses.add(used);
                        }
                    }
                }
            }
        }
        return graph;
    }

    /** The UTF-8 entries of a class file's constant pool: every class name and descriptor it mentions. */
    private static List<String> utf8Constants(Path classFile) throws IOException {
        List<String> out = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(classFile); DataInputStream in = new DataInputStream(raw)) {
            in.readInt(); // magic
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> out.add(in.readUTF());
                    case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                    case 15 -> in.skipBytes(3);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                    case 5, 6 -> {
                        in.skipBytes(8);
                        i++;
                    }
                    default -> throw new IOException("constant pool tag " + tag + " in " + classFile);
                }
            }
        }
        return out;
    }

    /** Strongly connected components of more than one package (Tarjan), each sorted, in sorted order. */
    static List<List<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> found = new ArrayList<>();
        int[] next = {0};
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, graph, index, low, stack, onStack, found, next);
            }
        }
        found.sort((a, b) -> a.get(0).compareTo(b.get(0)));
        return found;
    }

    private static void connect(String v, Map<String, Set<String>> graph, Map<String, Integer> index,
                                Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                                List<List<String>> found, int[] next) {
        index.put(v, next[0]);
        low.put(v, next[0]);
        next[0]++;
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, graph, index, low, stack, onStack, found, next);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                component.sort(null);
                found.add(component);
            }
        }
    }
}
