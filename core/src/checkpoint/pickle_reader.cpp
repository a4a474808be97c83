// The unpickler: a stack machine over nodes owned by one arena (so a cyclic or very deep
// pickle frees without recursion), then one conversion of the result to c10::IValue.
#include "pickle_reader.hpp"

#include "malformed.hpp"
#include "pickle_opcodes.hpp"
#include "storage_types.hpp"

#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>
#include <fmt/format.h>

#include <bit>
#include <deque>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace ignite::checkpoint::detail {

namespace {

enum class Kind { None, Bool, Int, Float, Str, Tuple, List, Dict, OrderedDict, Global, Storage, Tensor };

const char* kind_name(Kind k) {
    switch (k) {
        case Kind::None: return "None";
        case Kind::Bool: return "bool";
        case Kind::Int: return "int";
        case Kind::Float: return "float";
        case Kind::Str: return "str";
        case Kind::Tuple: return "tuple";
        case Kind::List: return "list";
        case Kind::Dict: return "dict";
        case Kind::OrderedDict: return "OrderedDict";
        case Kind::Global: return "global";
        case Kind::Storage: return "storage";
        case Kind::Tensor: return "tensor";
    }
    return "?";
}

struct Node {
    Kind kind = Kind::None;
    bool b = false;
    std::int64_t i = 0;
    double d = 0;
    std::string s;             // Str: the text; Global: "module.name"
    std::vector<Node*> items;  // Tuple, List; Dict: key, value, key, value...
    c10::Storage storage;      // Storage
    c10::ScalarType dtype = c10::ScalarType::Undefined;
    at::Tensor tensor;  // Tensor
};

constexpr std::string_view kOrderedDict = "collections.OrderedDict";
constexpr std::string_view kRebuildTensor = "torch._utils._rebuild_tensor_v2";
constexpr std::string_view kRebuildParameter = "torch._utils._rebuild_parameter";
constexpr std::string_view kSize = "torch.Size";
constexpr int kMaxDepth = 1000;
constexpr std::size_t kMaxDims = 64;

class Reader {
public:
    Reader(std::span<const char> data, const StorageLoader& load) : data_(data), load_(load) {}

    c10::IValue run() {
        for (;;) {
            const std::size_t at = pos_;
            const char code = take(1)[0];
            if (code == op::STOP) break;
            step(code, at);
        }
        if (stack_.empty()) throw Malformed("data.pkl: STOP with an empty stack");
        return convert(stack_.back(), 0);
    }

private:
    // ---- input ----
    std::span<const char> take(std::uint64_t n) {
        if (n > data_.size() - pos_) throw Malformed("data.pkl is truncated");
        const auto s = data_.subspan(pos_, n);
        pos_ += n;
        return s;
    }
    std::uint64_t take_le(int n) {
        const auto s = take(n);
        std::uint64_t v = 0;
        for (int k = 0; k < n; ++k) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(s[k])) << (8 * k);
        return v;
    }
    std::string take_line() {
        const auto rest = data_.subspan(pos_);
        const auto nl = std::find(rest.begin(), rest.end(), '\n');
        if (nl == rest.end()) throw Malformed("data.pkl is truncated (in a GLOBAL)");
        std::string line(rest.begin(), nl);
        pos_ += line.size() + 1;
        return line;
    }
    std::string take_text(std::uint64_t n) {
        const auto s = take(n);
        return {s.begin(), s.end()};
    }

    // ---- nodes and the stack ----
    Node* make(Kind k) {
        Node& n = arena_.emplace_back();
        n.kind = k;
        return &n;
    }
    void push(Node* n) { stack_.push_back(n); }
    Node* pop() {
        if (stack_.size() <= floor()) throw Malformed("data.pkl: stack underflow");
        Node* n = stack_.back();
        stack_.pop_back();
        return n;
    }
    Node* top() {
        if (stack_.size() <= floor()) throw Malformed("data.pkl: stack underflow");
        return stack_.back();
    }
    [[nodiscard]] std::size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
    std::vector<Node*> pop_mark() {
        if (marks_.empty()) throw Malformed("data.pkl: no MARK on the stack");
        const std::size_t mark = marks_.back();
        marks_.pop_back();
        std::vector<Node*> items(stack_.begin() + static_cast<std::ptrdiff_t>(mark), stack_.end());
        stack_.resize(mark);
        return items;
    }
    Node* expect(Node* n, Kind k, std::string_view what) {
        if (n->kind != k) throw Malformed(fmt::format("data.pkl: {} is a {}, expected a {}", what, kind_name(n->kind), kind_name(k)));
        return n;
    }

    void push_int(std::int64_t v) {
        Node* n = make(Kind::Int);
        n->i = v;
        push(n);
    }
    void push_str(std::string s) {
        Node* n = make(Kind::Str);
        n->s = std::move(s);
        push(n);
    }
    void push_tuple(std::vector<Node*> items) {
        Node* n = make(Kind::Tuple);
        n->items = std::move(items);
        push(n);
    }
    void memo_put(std::uint64_t index) { memo_[index] = top(); }
    void memo_get(std::uint64_t index) {
        const auto it = memo_.find(index);
        if (it == memo_.end()) throw Malformed(fmt::format("data.pkl: memo entry {} is not defined", index));
        push(it->second);
    }

    // Python's LONG1/LONG4: little-endian two's complement of any length; ours must fit int64.
    void push_long(std::uint64_t n) {
        const auto bytes = take(n);
        if (n == 0) return push_int(0);
        const bool negative = static_cast<unsigned char>(bytes[n - 1]) & 0x80;
        for (std::uint64_t k = 8; k < n; ++k) {
            if (static_cast<unsigned char>(bytes[k]) != (negative ? 0xFF : 0x00)) {
                throw Malformed("data.pkl holds an integer outside the int64 range");
            }
        }
        std::uint64_t v = negative ? ~std::uint64_t{0} : 0;
        for (std::uint64_t k = 0; k < std::min<std::uint64_t>(n, 8); ++k) {
            v &= ~(std::uint64_t{0xFF} << (8 * k));
            v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[k])) << (8 * k);
        }
        if (n >= 8 && ((v >> 63) != 0) != negative) throw Malformed("data.pkl holds an integer outside the int64 range");
        push_int(static_cast<std::int64_t>(v));
    }

    // ---- containers ----
    static std::string key_of(const Node* k) {
        if (k->kind == Kind::Str) return "s" + k->s;
        if (k->kind == Kind::Int) return "i" + std::to_string(k->i);
        throw Malformed(fmt::format("data.pkl: a dict key is a {} (only str and int keys can be loaded)", kind_name(k->kind)));
    }
    void set_items(Node* dict, const std::vector<Node*>& kv) {
        if (dict->kind != Kind::Dict && dict->kind != Kind::OrderedDict) {
            throw Malformed(fmt::format("data.pkl: SETITEM on a {}", kind_name(dict->kind)));
        }
        if (kv.size() % 2 != 0) throw Malformed("data.pkl: SETITEMS with an odd number of items");
        auto& index = dict_index_[dict];
        for (std::size_t k = 0; k < kv.size(); k += 2) {
            const auto [it, added] = index.emplace(key_of(kv[k]), dict->items.size());
            if (added) {
                dict->items.push_back(kv[k]);
                dict->items.push_back(kv[k + 1]);
            } else {
                dict->items[it->second + 1] = kv[k + 1];  // Python: a repeated key replaces the value
            }
        }
    }
    void append(Node* list, const std::vector<Node*>& items) {
        expect(list, Kind::List, "the target of APPEND");
        list->items.insert(list->items.end(), items.begin(), items.end());
    }

    // ---- globals ----
    void global(std::string module, std::string name) {
        std::string qualified = module + "." + name;
        const bool storage_class = module == "torch" && storage_class_dtype(name).has_value();
        if (qualified != kOrderedDict && qualified != kRebuildTensor && qualified != kRebuildParameter &&
            qualified != kSize && !storage_class) {
            throw Malformed(fmt::format("data.pkl uses the global '{}', which a checkpoint may not (only tensors, "
                                        "numbers, strings, lists, tuples, dicts and OrderedDicts load, as with "
                                        "torch.load(weights_only=True))",
                                        printable(qualified)));
        }
        Node* n = make(Kind::Global);
        n->s = std::move(qualified);
        push(n);
    }

    void reduce() {
        Node* args = expect(pop(), Kind::Tuple, "the arguments of REDUCE");
        Node* callable = expect(pop(), Kind::Global, "the callable of REDUCE");
        const auto& a = args->items;
        if (callable->s == kOrderedDict) {
            if (!a.empty()) throw Malformed("data.pkl: OrderedDict built with arguments");
            return push(make(Kind::OrderedDict));
        }
        if (callable->s == kRebuildTensor) return push(rebuild_tensor(a));
        if (callable->s == kRebuildParameter) {
            if (a.size() != 3) throw Malformed("data.pkl: _rebuild_parameter takes 3 arguments");
            Node* t = expect(a[0], Kind::Tensor, "the data of a parameter");
            Node* n = make(Kind::Tensor);
            n->tensor = t->tensor.detach().set_requires_grad(expect(a[1], Kind::Bool, "requires_grad")->b);
            return push(n);
        }
        if (callable->s == kSize) {
            if (a.size() != 1) throw Malformed("data.pkl: torch.Size takes 1 argument");
            return push(expect(a[0], Kind::Tuple, "the argument of torch.Size"));
        }
        throw Malformed(fmt::format("data.pkl calls '{}', which is not a function", printable(callable->s)));
    }

    static std::vector<std::int64_t> int_tuple(Node* n, std::string_view what) {
        if (n->kind != Kind::Tuple) throw Malformed(fmt::format("data.pkl: the {} of a tensor is not a tuple", what));
        if (n->items.size() > kMaxDims) throw Malformed(fmt::format("data.pkl: a tensor has {} dimensions", n->items.size()));
        std::vector<std::int64_t> v;
        for (const Node* item : n->items) {
            if (item->kind != Kind::Int || item->i < 0) {
                throw Malformed(fmt::format("data.pkl: the {} of a tensor holds a non-integer or negative value", what));
            }
            v.push_back(item->i);
        }
        return v;
    }

    // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    Node* rebuild_tensor(const std::vector<Node*>& a) {
        if (a.size() != 6 && a.size() != 7) throw Malformed("data.pkl: _rebuild_tensor_v2 takes 6 or 7 arguments");
        const Node* storage = expect(a[0], Kind::Storage, "the storage of a tensor");
        const std::int64_t offset = expect(a[1], Kind::Int, "the storage offset of a tensor")->i;
        const auto sizes = int_tuple(a[2], "size");
        const auto strides = int_tuple(a[3], "stride");
        const bool requires_grad = expect(a[4], Kind::Bool, "requires_grad")->b;
        if (sizes.size() != strides.size()) throw Malformed("data.pkl: a tensor's size and stride differ in length");
        // The elements the view reaches must lie inside the storage.
        const auto itemsize = static_cast<std::int64_t>(c10::elementSize(storage->dtype));
        const auto storage_numel = static_cast<std::int64_t>(storage->storage.nbytes()) / itemsize;
        bool empty = false;
        std::int64_t last = 0;
        for (std::size_t k = 0; k < sizes.size(); ++k) {
            if (sizes[k] == 0) empty = true;
            std::int64_t reach = 0;
            if (sizes[k] > 0 && (__builtin_mul_overflow(sizes[k] - 1, strides[k], &reach) ||
                                 __builtin_add_overflow(last, reach, &last))) {
                throw Malformed("data.pkl: a tensor's size and stride overflow");
            }
        }
        if (offset < 0 || (!empty && (offset >= storage_numel || last >= storage_numel - offset))) {
            throw Malformed("data.pkl: a tensor reaches outside its storage");
        }
        Node* n = make(Kind::Tensor);
        n->tensor = at::empty({0}, at::TensorOptions().dtype(storage->dtype))
                        .set_(storage->storage, empty ? 0 : offset, sizes, strides);
        if (requires_grad) n->tensor.set_requires_grad(true);
        return n;
    }

    // ('storage', torch.<T>Storage, key, location, numel)
    void persistent_load() {
        Node* pid = expect(pop(), Kind::Tuple, "a persistent id");
        const auto& p = pid->items;
        if (p.size() != 5 || p[0]->kind != Kind::Str || p[0]->s != "storage") {
            throw Malformed("data.pkl: a persistent id is not ('storage', type, key, location, numel)");
        }
        const Node* type = expect(p[1], Kind::Global, "a storage type");
        const auto dtype = type->s.starts_with("torch.") ? storage_class_dtype(type->s.substr(6)) : std::nullopt;
        if (!dtype) throw Malformed(fmt::format("data.pkl: '{}' is not a storage type", printable(type->s)));
        const std::string& key = expect(p[2], Kind::Str, "a storage key")->s;
        expect(p[3], Kind::Str, "a storage location");
        const std::int64_t numel = expect(p[4], Kind::Int, "a storage size")->i;
        if (numel < 0) throw Malformed("data.pkl: a storage has a negative size");
        auto [it, added] = storages_.try_emplace(key, nullptr);
        if (added) {
            Node* n = make(Kind::Storage);
            n->dtype = *dtype;
            n->storage = load_(key, *dtype, static_cast<std::uint64_t>(numel));
            it->second = n;
        } else if (it->second->dtype != *dtype) {
            throw Malformed(fmt::format("data.pkl: storage '{}' is used with two dtypes", printable(key)));
        }
        push(it->second);
    }

    void build() {
        Node* state = pop();
        const Node* obj = top();
        // An OrderedDict's attributes (a state_dict's `_metadata`): not part of the value model.
        if ((obj->kind == Kind::OrderedDict || obj->kind == Kind::Dict) &&
            (state->kind == Kind::Dict || state->kind == Kind::OrderedDict)) {
            return;
        }
        throw Malformed(fmt::format("data.pkl: BUILD of a {} with a {}", kind_name(obj->kind), kind_name(state->kind)));
    }

    void step(char code, std::size_t at) {
        switch (code) {
            case op::PROTO:
                if (static_cast<unsigned char>(take(1)[0]) > 5) throw Malformed("data.pkl: unknown pickle protocol");
                return;
            case op::FRAME: take(8); return;
            case op::MARK: marks_.push_back(stack_.size()); return;
            case op::POP: pop(); return;
            case op::POP_MARK: pop_mark(); return;
            case op::DUP: push(top()); return;
            case op::NONE: return push(make(Kind::None));
            case op::NEWTRUE:
            case op::NEWFALSE: {
                Node* n = make(Kind::Bool);
                n->b = code == op::NEWTRUE;
                return push(n);
            }
            case op::BININT: return push_int(static_cast<std::int32_t>(take_le(4)));
            case op::BININT1: return push_int(static_cast<std::int64_t>(take_le(1)));
            case op::BININT2: return push_int(static_cast<std::int64_t>(take_le(2)));
            case op::LONG1: return push_long(take_le(1));
            case op::LONG4: return push_long(take_le(4));
            case op::BINFLOAT: {
                const auto s = take(8);
                std::uint64_t v = 0;
                for (const char c : s) v = (v << 8) | static_cast<unsigned char>(c);
                Node* n = make(Kind::Float);
                n->d = std::bit_cast<double>(v);
                return push(n);
            }
            case op::SHORT_BINUNICODE: return push_str(take_text(take_le(1)));
            case op::BINUNICODE: return push_str(take_text(take_le(4)));
            case op::BINUNICODE8: return push_str(take_text(take_le(8)));
            case op::EMPTY_DICT: return push(make(Kind::Dict));
            case op::EMPTY_LIST: return push(make(Kind::List));
            case op::EMPTY_TUPLE: return push_tuple({});
            case op::TUPLE: return push_tuple(pop_mark());
            case op::TUPLE1:
            case op::TUPLE2:
            case op::TUPLE3: {
                std::vector<Node*> items(static_cast<std::size_t>(code - op::TUPLE1 + 1));
                for (auto it = items.rbegin(); it != items.rend(); ++it) *it = pop();
                return push_tuple(std::move(items));
            }
            case op::APPEND: {
                Node* v = pop();
                return append(top(), {v});
            }
            case op::APPENDS: {
                const auto items = pop_mark();
                return append(top(), items);
            }
            case op::SETITEM: {
                Node* v = pop();
                Node* k = pop();
                return set_items(top(), {k, v});
            }
            case op::SETITEMS: {
                const auto items = pop_mark();
                return set_items(top(), items);
            }
            case op::GLOBAL: {
                std::string module = take_line();
                return global(std::move(module), take_line());
            }
            case op::STACK_GLOBAL: {
                Node* name = expect(pop(), Kind::Str, "the name of a STACK_GLOBAL");
                Node* module = expect(pop(), Kind::Str, "the module of a STACK_GLOBAL");
                return global(module->s, name->s);
            }
            case op::REDUCE: return reduce();
            case op::BUILD: return build();
            case op::BINPERSID: return persistent_load();
            case op::BINPUT: return memo_put(take_le(1));
            case op::LONG_BINPUT: return memo_put(take_le(4));
            case op::MEMOIZE: return memo_put(memo_.size());
            case op::BINGET: return memo_get(take_le(1));
            case op::LONG_BINGET: return memo_get(take_le(4));
            default:
                throw Malformed(fmt::format("data.pkl: unsupported pickle opcode 0x{:02x} at offset {}",
                                            static_cast<unsigned char>(code), at));
        }
    }

    // ---- conversion ----
    c10::IValue convert(const Node* n, int depth) {
        if (depth > kMaxDepth) throw Malformed("data.pkl: value nested too deeply");
        switch (n->kind) {
            case Kind::None: return {};
            case Kind::Bool: return n->b;
            case Kind::Int: return n->i;
            case Kind::Float: return n->d;
            case Kind::Str: return n->s;
            case Kind::Tensor: return n->tensor;
            case Kind::Global:
            case Kind::Storage:
                throw Malformed(fmt::format("data.pkl: a bare {} is not a value", kind_name(n->kind)));
            default: break;
        }
        // Containers are shared as in Python: each converts once (this also keeps a pickle of
        // repeated references linear), and a container inside itself is an error.
        if (const auto it = converted_.find(n); it != converted_.end()) return it->second;
        if (!in_progress_.insert(n).second) throw Malformed("data.pkl: a container holds itself");
        c10::IValue v = convert_container(n, depth);
        in_progress_.erase(n);
        converted_.emplace(n, v);
        return v;
    }

    c10::IValue convert_container(const Node* n, int depth) {
        if (n->kind == Kind::Tuple) {
            std::vector<c10::IValue> items;
            items.reserve(n->items.size());
            for (const Node* item : n->items) items.push_back(convert(item, depth + 1));
            return c10::ivalue::Tuple::create(std::move(items));
        }
        if (n->kind == Kind::List) {
            c10::impl::GenericList list(c10::AnyType::get());
            list.reserve(n->items.size());
            for (const Node* item : n->items) list.push_back(convert(item, depth + 1));
            return list;
        }
        bool int_keys = false;
        bool str_keys = false;
        bool all_tensors = true;
        for (std::size_t k = 0; k < n->items.size(); k += 2) {
            (n->items[k]->kind == Kind::Int ? int_keys : str_keys) = true;
            all_tensors = all_tensors && n->items[k + 1]->kind == Kind::Tensor;
        }
        if (int_keys && str_keys) throw Malformed("data.pkl: a dict has both str and int keys");
        const bool state_dict = n->kind == Kind::OrderedDict && all_tensors && !int_keys;
        c10::impl::GenericDict dict(int_keys ? c10::TypePtr(c10::IntType::get()) : c10::TypePtr(c10::StringType::get()),
                                    state_dict ? c10::TypePtr(c10::TensorType::get()) : c10::TypePtr(c10::AnyType::get()));
        dict.reserve(n->items.size() / 2);
        for (std::size_t k = 0; k < n->items.size(); k += 2) {
            dict.insert(convert(n->items[k], depth + 1), convert(n->items[k + 1], depth + 1));
        }
        return dict;
    }

    std::span<const char> data_;
    const StorageLoader& load_;
    std::size_t pos_ = 0;
    std::deque<Node> arena_;
    std::vector<Node*> stack_;
    std::vector<std::size_t> marks_;
    std::unordered_map<std::uint64_t, Node*> memo_;
    std::unordered_map<const Node*, std::unordered_map<std::string, std::size_t>> dict_index_;
    std::unordered_map<std::string, Node*> storages_;
    std::unordered_map<const Node*, c10::IValue> converted_;
    std::unordered_set<const Node*> in_progress_;
};

}  // namespace

c10::IValue unpickle(std::span<const char> pickle, const StorageLoader& load_storage) {
    return Reader(pickle, load_storage).run();
}

}  // namespace ignite::checkpoint::detail
