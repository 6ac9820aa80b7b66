package dev.lookalike.embed.weights;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A restricted pickle machine for the {@code data.pkl} of a {@code torch.save} checkpoint. It knows
 * the opcodes Python's pickler writes at protocols 2 to 4 for a state dict, and calls nothing: the
 * few globals a state dict needs ({@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2},
 * {@code _rebuild_parameter[_with_state]}, the {@code torch.*Storage} types) are recognised by name
 * and turned into plain values; any other global is refused where it is named, before anything
 * could use it, as {@code torch.load(weights_only=True)} does. Storages come out as
 * {@link StorageRef}s (the persistent ids torch.save writes), tensors as {@link TensorRef}s.
 */
final class TorchPickle {

    /** {@code ('storage', torch.FloatStorage, key, location, numel)}: the zip entry {@code data/<key>}. */
    record StorageRef(String key, DType dtype, long numel) {
    }

    /** A tensor as {@code _rebuild_tensor_v2} receives it: a view of a storage, in elements. */
    record TensorRef(StorageRef storage, long offset, long[] shape, long[] stride) {
    }

    /** A pickled tuple (immutable, unlike a pickled list). */
    private record Tuple(List<Object> items) {
    }

    private record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    private static final Object MARK = new Object();

    /** The element type each storage class holds, as torch names them in {@code torch._storage_classes}. */
    private static final Map<String, DType> STORAGES = Map.of(
            "FloatStorage", DType.F32, "HalfStorage", DType.F16, "BFloat16Storage", DType.BF16,
            "DoubleStorage", DType.F64, "LongStorage", DType.I64, "IntStorage", DType.I32,
            "ShortStorage", DType.I16, "CharStorage", DType.I8, "ByteStorage", DType.U8, "BoolStorage", DType.BOOL);

    private static final String ORDERED_DICT = "collections.OrderedDict";
    private static final String REBUILD_TENSOR = "torch._utils._rebuild_tensor_v2";
    private static final String REBUILD_PARAMETER = "torch._utils._rebuild_parameter";
    private static final String REBUILD_PARAMETER_WITH_STATE = "torch._utils._rebuild_parameter_with_state";
    private static final List<String> FUNCTIONS = List.of(ORDERED_DICT, REBUILD_TENSOR, REBUILD_PARAMETER,
            REBUILD_PARAMETER_WITH_STATE);

    private final ByteBuffer in;
    private final String where;
    private final List<Object> stack = new ArrayList<>();
    /** Stack heights at each open MARK; values under the top one are out of reach until it closes. */
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private TorchPickle(byte[] pickle, String where) {
        this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
        this.where = where;
    }

    /**
     * Runs the pickle and returns what it builds: for a state dict a {@code Map} of names to
     * {@link TensorRef}s (and whatever plain values sit beside them).
     *
     * @param where names the pickle in messages ({@code file!data.pkl})
     * @throws WeightsException when the pickle names a global a state dict does not need, uses an
     *     opcode this machine does not know, or is malformed
     */
    static Object load(byte[] pickle, String where) throws WeightsException {
        TorchPickle vm = new TorchPickle(pickle, where);
        try {
            return vm.run();
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new WeightsException(where + " is truncated or corrupt: the pickle ends inside an instruction");
        } catch (ClassCastException e) {
            throw new WeightsException(where + " is corrupt: an instruction found a value of the wrong kind on the stack");
        }
    }

    private Object run() throws WeightsException {
        while (true) {
            int at = in.position();
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int proto = in.get() & 0xff;
                    if (proto > 5) {
                        throw fail("uses pickle protocol " + proto + ", newer than this reader knows");
                    }
                }
                case 0x95 -> in.getLong(); // FRAME: a length hint only
                case '.' -> { // STOP
                    return pop();
                }
                case '(' -> marks.add(stack.size()); // MARK
                case '0' -> pop(); // POP
                case '1' -> popMark(); // POP_MARK
                case '2' -> push(peek()); // DUP
                case '}' -> push(new LinkedHashMap<>()); // EMPTY_DICT
                case ']' -> push(new ArrayList<>()); // EMPTY_LIST
                case ')' -> push(new Tuple(List.of())); // EMPTY_TUPLE
                case 't' -> push(new Tuple(listOf(popMark()))); // TUPLE
                case 0x85 -> push(tuple(1)); // TUPLE1
                case 0x86 -> push(tuple(2)); // TUPLE2
                case 0x87 -> push(tuple(3)); // TUPLE3
                case 'l' -> push(new ArrayList<>(popMark())); // LIST
                case 'd' -> { // DICT
                    List<Object> items = popMark();
                    Map<Object, Object> map = new LinkedHashMap<>();
                    putAll(map, items);
                    push(map);
                }
                case 'q' -> memo.put((long) (in.get() & 0xff), peek()); // BINPUT
                case 'r' -> memo.put(in.getInt() & 0xffffffffL, peek()); // LONG_BINPUT
                case 0x94 -> memo.put((long) memo.size(), peek()); // MEMOIZE
                case 'h' -> push(recall(in.get() & 0xff)); // BINGET
                case 'j' -> push(recall(in.getInt() & 0xffffffffL)); // LONG_BINGET
                case 'J' -> push((long) in.getInt()); // BININT
                case 'K' -> push((long) (in.get() & 0xff)); // BININT1
                case 'M' -> push((long) (in.getShort() & 0xffff)); // BININT2
                case 0x8a -> push(longOf(in.get() & 0xff)); // LONG1
                case 0x8b -> push(longOf(length(in.getInt() & 0xffffffffL))); // LONG4
                case 'X' -> push(utf8(length(in.getInt() & 0xffffffffL))); // BINUNICODE
                case 0x8c -> push(utf8(in.get() & 0xff)); // SHORT_BINUNICODE
                case 0x8d -> push(utf8(length(in.getLong()))); // BINUNICODE8
                case 'T' -> push(latin1(length(in.getInt()))); // BINSTRING (Python 2 str)
                case 'U' -> push(latin1(in.get() & 0xff)); // SHORT_BINSTRING
                case 'B' -> push(bytes(length(in.getInt() & 0xffffffffL))); // BINBYTES
                case 'C' -> push(bytes(in.get() & 0xff)); // SHORT_BINBYTES
                case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); // BINFLOAT is big-endian
                case 'N' -> push(null); // NONE
                case 0x88 -> push(Boolean.TRUE); // NEWTRUE
                case 0x89 -> push(Boolean.FALSE); // NEWFALSE
                case 'c' -> push(global(line(), line())); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw fail("has a STACK_GLOBAL whose module and name are not strings");
                    }
                    push(global(m, n));
                }
                case 'R' -> { // REDUCE
                    Object args = pop();
                    Object callable = pop();
                    push(reduce(callable, args));
                }
                case 'b' -> build(pop(), peek()); // BUILD
                case 'Q' -> push(persistent(pop())); // BINPERSID
                case 's' -> { // SETITEM
                    Object value = pop();
                    Object key = pop();
                    asDict(peek()).put(key, value);
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popMark();
                    putAll(asDict(peek()), items);
                }
                case 'a' -> { // APPEND
                    Object value = pop();
                    asList(peek()).add(value);
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popMark();
                    asList(peek()).addAll(items);
                }
                default -> throw fail(String.format("uses pickle opcode 0x%02x at byte %d, which a state dict never needs", op, at));
            }
        }
    }

    /** Checks a global by name; only the ones a state dict needs get through, as names, never as code. */
    private Global global(String module, String name) throws WeightsException {
        Global g = new Global(module, name);
        String q = g.qualified();
        if (FUNCTIONS.contains(q) || (module.equals("torch") && STORAGES.containsKey(name))) {
            return g;
        }
        if (q.equals("torch._utils._rebuild_tensor_v3")) {
            throw fail("names torch._utils._rebuild_tensor_v3, which torch.save writes only for element types "
                    + "this reader does not support (float8, uint16 and other new types)");
        }
        if (module.equals("torch") && name.endsWith("Storage")) {
            throw fail("holds a torch." + name + ", an element type this reader does not support");
        }
        throw fail("names the global " + q + ", which a checkpoint of tensors does not need; refusing to load it "
                + "(allowed: " + String.join(", ", FUNCTIONS) + " and torch.*Storage)");
    }

    private Object reduce(Object callable, Object argsObj) throws WeightsException {
        if (!(callable instanceof Global g)) {
            throw fail("calls something that is not an allowed global (" + describe(callable) + ")");
        }
        if (!(argsObj instanceof Tuple tuple)) {
            throw fail("calls " + g.qualified() + " with arguments that are not a tuple");
        }
        List<Object> args = tuple.items();
        switch (g.qualified()) {
            case ORDERED_DICT -> {
                if (!args.isEmpty()) {
                    throw fail("calls collections.OrderedDict with arguments; pickle fills it item by item");
                }
                return new LinkedHashMap<>();
            }
            case REBUILD_TENSOR -> {
                // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
                if (args.size() < 6 || args.size() > 7 || !(args.get(0) instanceof StorageRef storage)
                        || !(args.get(1) instanceof Long offset)) {
                    throw fail("calls " + REBUILD_TENSOR + " with arguments torch.save does not write");
                }
                long[] shape = longs(args.get(2), "size");
                long[] stride = longs(args.get(3), "stride");
                if (shape.length != stride.length) {
                    throw fail("rebuilds a tensor whose size " + Arrays.toString(shape)
                            + " and stride " + Arrays.toString(stride) + " differ in length");
                }
                return new TensorRef(storage, offset, shape, stride);
            }
            case REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE -> {
                // (data, requires_grad, backward_hooks[, state]): a Parameter is its data
                if (args.isEmpty() || !(args.get(0) instanceof TensorRef t)) {
                    throw fail("calls " + g.qualified() + " without a tensor");
                }
                return t;
            }
            default -> throw fail("calls " + g.qualified() + ", which is a type, not a function");
        }
    }

    /** BUILD sets state: on a state dict the {@code _metadata} attribute, on a Parameter its attributes. Neither is data. */
    private void build(Object state, Object target) throws WeightsException {
        if (!(target instanceof Map) && !(target instanceof TensorRef)) {
            throw fail("sets state on " + describe(target) + ", which a state dict does not hold");
        }
    }

    private StorageRef persistent(Object pid) throws WeightsException {
        List<Object> t = pid instanceof Tuple tuple ? tuple.items() : List.of();
        if (t.size() != 5 || !"storage".equals(t.get(0))
                || !(t.get(1) instanceof Global type) || !(t.get(2) instanceof String key)
                || !(t.get(4) instanceof Long numel)) {
            throw fail("has a persistent id that is not ('storage', type, key, location, numel): " + describe(pid));
        }
        DType dtype = type.module().equals("torch") ? STORAGES.get(type.name()) : null;
        if (dtype == null) {
            throw fail("has a storage of type " + type.qualified() + ", not a torch storage type");
        }
        if (numel < 0) {
            throw fail("has storage " + key + " with " + numel + " elements");
        }
        return new StorageRef(key, dtype, numel);
    }

    private long[] longs(Object o, String what) throws WeightsException {
        if (!(o instanceof Tuple tuple)) {
            throw fail("rebuilds a tensor whose " + what + " is not a tuple");
        }
        List<Object> items = tuple.items();
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(items.get(i) instanceof Long v) || v < 0) {
                throw fail("rebuilds a tensor whose " + what + " holds " + describe(items.get(i)));
            }
            out[i] = v;
        }
        return out;
    }

    private void putAll(Map<Object, Object> map, List<Object> items) throws WeightsException {
        if (items.size() % 2 != 0) {
            throw fail("sets dict items from an odd number of values");
        }
        for (int i = 0; i < items.size(); i += 2) {
            map.put(items.get(i), items.get(i + 1));
        }
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> asDict(Object o) throws WeightsException {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw fail("sets items on " + describe(o) + ", not a dict");
    }

    @SuppressWarnings("unchecked")
    private List<Object> asList(Object o) throws WeightsException {
        if (o instanceof ArrayList<?> l) {
            return (List<Object>) l;
        }
        throw fail("appends to " + describe(o) + ", not a list");
    }

    private Tuple tuple(int n) throws WeightsException {
        if (stack.size() - fence() < n) {
            throw fail("builds a tuple from an empty stack");
        }
        List<Object> top = stack.subList(stack.size() - n, stack.size());
        Tuple t = new Tuple(listOf(top));
        top.clear();
        return t;
    }

    private static List<Object> listOf(List<Object> items) {
        return Collections.unmodifiableList(new ArrayList<>(items));
    }

    private List<Object> popMark() throws WeightsException {
        if (marks.isEmpty()) {
            throw fail("uses a MARK that was never set");
        }
        List<Object> top = stack.subList(marks.remove(marks.size() - 1), stack.size());
        List<Object> items = new ArrayList<>(top);
        top.clear();
        return items;
    }

    private void push(Object o) {
        stack.add(o);
    }

    private int fence() {
        return marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
    }

    private Object pop() throws WeightsException {
        if (stack.size() <= fence()) {
            throw fail("pops an empty stack");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() throws WeightsException {
        if (stack.size() <= fence()) {
            throw fail("reads an empty stack");
        }
        return stack.get(stack.size() - 1);
    }

    private Object recall(long index) throws WeightsException {
        if (!memo.containsKey(index)) {
            throw fail("reads memo slot " + index + ", which was never set");
        }
        return memo.get(index);
    }

    private int length(long n) throws WeightsException {
        if (n < 0 || n > in.remaining()) {
            throw fail("has a value of " + n + " bytes, longer than the rest of the pickle");
        }
        return (int) n;
    }

    private byte[] bytes(int n) throws WeightsException {
        byte[] b = new byte[length(n)];
        in.get(b);
        return b;
    }

    private String utf8(int n) throws WeightsException {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    private String latin1(int n) throws WeightsException {
        return new String(bytes(n), StandardCharsets.ISO_8859_1);
    }

    /** A text-protocol line, as GLOBAL writes module and name. */
    private String line() throws WeightsException {
        int start = in.position();
        for (int i = start; i < in.limit(); i++) {
            if (in.get(i) == '\n') {
                String s = new String(in.array(), start, i - start, StandardCharsets.UTF_8);
                in.position(i + 1);
                return s;
            }
        }
        throw fail("ends inside a GLOBAL's name");
    }

    /** LONG1/LONG4: little-endian two's complement; a state dict's integers fit in a long. */
    private long longOf(int n) throws WeightsException {
        byte[] b = bytes(n);
        if (n == 0) {
            return 0;
        }
        if (n > 8) {
            throw fail("holds an integer of " + n + " bytes, too large for a size or offset");
        }
        long v = b[n - 1]; // sign-extends the top byte
        for (int i = n - 2; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    private static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Global g) {
            return g.qualified();
        }
        if (o instanceof Tuple t) {
            return "a tuple of " + t.items().size();
        }
        return o instanceof String s ? "'" + s + "'" : o.getClass().getSimpleName();
    }

    private WeightsException fail(String what) {
        return new WeightsException(where + " " + what);
    }
}
