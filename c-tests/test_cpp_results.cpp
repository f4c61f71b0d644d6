// Tests that the results of include/tq.hpp work like std::optional:
// get_result<T> (and any_result<T>, which adds the index) like an optional
// T *, batch_result like an optional count, fd_result like an optional
// descriptor, each true exactly on success, value() throwing
// tq::bad_result_access (a std::bad_optional_access carrying the status)
// without a value. One line per case; exits non-zero if any case fails.

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <type_traits>
#include <utility>

#include "cpp_cases.hpp"
#include "tq.hpp"

namespace {

using tq_test::item;
using tq_test::test_case;

// A typed item with a member to reach through `->`.
struct job {
    int id;
};

// The status carried by the bad_result_access that `r.value()` throws, as
// caught through its std::bad_optional_access base; status::ok if none is.
template <class R>
tq::status value_throws(const R &r) {
    try {
        (void)r.value();
    } catch (const std::bad_optional_access &e) {
        const auto *bad = dynamic_cast<const tq::bad_result_access *>(&e);
        if (bad == nullptr || std::strcmp(e.what(), tq::to_string(bad->status())) != 0) {
            return tq::status::internal;
        }
        return bad->status();
    }
    return tq::status::ok;
}

bool the_interface_is_optional_like() {
    using got = tq::get_result<job>;
    static_assert(!std::is_convertible_v<got, bool> && std::is_constructible_v<bool, got>, "explicit operator bool");
    static_assert(std::is_same_v<decltype(*std::declval<got>()), job *>);
    static_assert(std::is_same_v<decltype(std::declval<got>().value()), job *>);
    static_assert(std::is_same_v<decltype(std::declval<got>().operator->()), job *>);
    static_assert(noexcept(*std::declval<got>()) && noexcept(std::declval<got>().has_value()));
    static_assert(!noexcept(std::declval<got>().value()));
    static_assert(!std::is_convertible_v<tq::batch_result, bool> && std::is_constructible_v<bool, tq::batch_result>);
    static_assert(std::is_same_v<decltype(*std::declval<tq::batch_result>()), std::size_t>);
    static_assert(std::is_base_of_v<std::bad_optional_access, tq::bad_result_access>);
    static_assert(tq::get_result<void>{tq::status::ok, nullptr}.has_value(), "usable in constant expressions");
    static_assert(!tq::batch_result{tq::status::full, 0});
    static_assert(std::is_base_of_v<tq::get_result<job>, tq::any_result<job>>, "a get_result with an index");
    static_assert(std::is_same_v<decltype(std::declval<tq::any_result<job>>().index), std::size_t>);
    static_assert(!std::is_convertible_v<tq::fd_result, bool> && std::is_constructible_v<bool, tq::fd_result>);
    static_assert(std::is_same_v<decltype(*std::declval<tq::fd_result>()), int>);
    static_assert(tq::fd_result{tq::status::ok, 3}.has_value() && !tq::fd_result{tq::status::system, -1});
    return true;
}

bool a_get_holds_the_item_exactly_on_success() {
    tq::queue q(2);
    EXPECT(q.put(item(7)) == tq::status::ok && q.put(nullptr) == tq::status::ok);
    auto r = q.get(tq::nowait);
    EXPECT(r.has_value() && r && r.status == tq::status::ok);
    EXPECT(*r == item(7) && r.value() == item(7) && r.item == item(7));
    r = q.get(tq::nowait);  // a queued nullptr is a value like any other
    EXPECT(r.has_value() && *r == nullptr && value_throws(r) == tq::status::ok);
    r = q.get(tq::nowait);
    EXPECT(!r.has_value() && !r && r.status == tq::status::empty && *r == nullptr);
    EXPECT(value_throws(r) == tq::status::empty);
    EXPECT(q.shutdown() == tq::status::ok);
    EXPECT(value_throws(q.get()) == tq::status::shutdown);
    tq::queue moved(std::move(q));
    EXPECT(value_throws(q.get()) == tq::status::invalid);
    return true;
}

bool typed_results_reach_the_item() {
    tq::typed_queue<job> q;
    job a{1}, b{2};
    EXPECT(q.put(&a) == tq::status::ok && q.put(&b) == tq::status::ok);
    auto r = q.get(tq::nowait);
    EXPECT(r && r->id == 1 && *r == &a && r.value()->id == 1);
    int seen = 0;
    if (auto next = q.get(tq::nowait)) {  // the optional idiom
        seen = next->id;
    }
    EXPECT(seen == 2);
    if (auto none = q.get(tq::nowait)) {
        return false;
    }
    return true;
}

bool a_loop_runs_until_shutdown() {
    tq::typed_queue<job> q;
    job jobs[3] = {{1}, {2}, {3}};
    for (job &j : jobs) {
        EXPECT(q.put(&j) == tq::status::ok);
    }
    EXPECT(q.shutdown() == tq::status::ok);
    int sum = 0;
    for (auto got = q.get(); got; got = q.get()) {  // the README's loop: ends once drained
        sum += got->id;
    }
    EXPECT(sum == 6);
    return true;
}

bool batch_results_hold_the_count() {
    tq::queue q(2);
    void *const in[3] = {item(1), item(2), item(3)};
    void *out[3] = {};
    auto r = q.put_many(in, 3, tq::nowait);
    EXPECT(r && r.has_value() && *r == 2 && r.value() == 2);
    r = q.put_many(in + 2, 1, tq::nowait);
    EXPECT(!r && r.count == 0 && value_throws(r) == tq::status::full);
    r = q.put_many(in, 0, tq::nowait);  // nothing asked: success with 0
    EXPECT(r && *r == 0 && r.value() == 0);
    r = q.get_many(out, 3, tq::nowait);
    EXPECT(r && r.value() == 2 && out[0] == item(1) && out[1] == item(2));
    EXPECT(value_throws(q.get_many(out, 3, tq::nowait)) == tq::status::empty);
    EXPECT(value_throws(q.get_many(nullptr, 1, tq::nowait)) == tq::status::invalid);
    return true;
}

bool any_and_fd_results_hold_their_value_exactly_on_success() {
    tq::typed_queue<job> a, b;
    job j{3};
    EXPECT(b.put(&j) == tq::status::ok);
    auto r = tq::get_any({&a, &b}, tq::nowait);
    EXPECT(r && r.index == 1 && r->id == 3 && r.value() == &j && value_throws(r) == tq::status::ok);
    r = tq::get_any({&a, &b}, tq::nowait);
    EXPECT(!r && *r == nullptr && value_throws(r) == tq::status::empty);
    auto fd = a.get_fd();
    EXPECT(fd && *fd == fd.fd && fd.value() == fd.fd && fd.fd >= 0);
    tq::typed_queue<job> moved(std::move(a));
    EXPECT(value_throws(a.get_fd()) == tq::status::invalid);
    EXPECT(value_throws(tq::get_any({&a, &b}, tq::nowait)) == tq::status::invalid);
    return true;
}

const test_case cases[] = {
    {"results have std::optional's interface (explicit bool, *, ->, value)", the_interface_is_optional_like},
    {"a get holds its item exactly on success; value() throws the status", a_get_holds_the_item_exactly_on_success},
    {"a typed get reaches the item through -> and in if (auto r = ...)", typed_results_reach_the_item},
    {"for (auto got = q.get(); got; got = q.get()) drains, then ends", a_loop_runs_until_shutdown},
    {"batch results hold the count; value() throws the status", batch_results_hold_the_count},
    {"get_any and fd results hold their value exactly on success", any_and_fd_results_hold_their_value_exactly_on_success},
};

}  // namespace

int main() { return tq_test::run_cases(cases); }
