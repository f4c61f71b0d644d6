/*
 * tq.hpp: a header-only C++17 RAII wrapper over the tq C API (tq.h).
 *
 * - tq::queue owns a tq_queue of void * items: move-only, freed by its
 *   destructor (items still queued go to the destroy callback, if set).
 * - tq::typed_queue<T> moves T * items; tq::owning_queue<T> deletes the
 *   items it drops (on shutdown(true) and on destruction).
 * - Timeouts are any std::chrono duration, rounded UP to whole milliseconds
 *   so that a wait is never shorter than asked; negative means forever.
 *   tq::nowait and tq::forever name the two extremes; blocking calls wait
 *   forever by default, as Python's put()/get()/join() do. Every blocking
 *   call also takes a std::chrono::time_point of any clock, a deadline: one
 *   that has passed never blocks.
 * - Every call that returns a tq::status or a result is [[nodiscard]]: a
 *   discarded get loses its item. Results work like std::optional (explicit
 *   bool true on success, *r and r.value() the value, r.value() throwing
 *   tq::bad_result_access without one).
 * - get_fd()/put_fd() hand out descriptors to poll beside other work;
 *   tq::get_any({&a, &b}) takes an item from whichever queue has one.
 * - Constructors (all over tq_create) throw std::invalid_argument for bad
 *   options and std::bad_alloc when out of memory (see tq::queue); value()
 *   throws as above; every other call is noexcept. Each method is a
 *   one-line conversion over the C call of the same name.
 *
 * A moved-from queue (or one made with std::nothrow that failed) holds no
 * handle: every call on it returns status::invalid, queries return 0/false.
 */

#ifndef TQ_HPP
#define TQ_HPP

#if __cplusplus < 201703L
#error "tq.hpp needs C++17 or later"
#endif

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <new>
#include <optional>
#include <ratio>
#include <stdexcept>
#include <utility>

#include "tq.h"

namespace tq {

/// The result of a call; the same values as the C enum tq_status.
enum class status : int {
    ok = TQ_OK,                        ///< success
    full = TQ_FULL,                    ///< put: no room before the timeout
    empty = TQ_EMPTY,                  ///< get: no item before the timeout
    shutdown = TQ_SHUTDOWN,            ///< the queue is shut down
    timeout = TQ_TIMEOUT,              ///< join: tasks unfinished at the timeout
    invalid = TQ_INVALID,              ///< no queue (moved-from) or bad argument
    too_many_done = TQ_TOO_MANY_DONE,  ///< task_done more often than items
    nomem = TQ_NOMEM,                  ///< allocation failed; nothing changed
    internal = TQ_INTERNAL,            ///< a bug caught at the boundary
    system = TQ_SYSTEM,                ///< an operating-system call failed
};

/// A static description of `s` (tq_status_str); `s` is one of the enumerators.
inline const char *to_string(status s) noexcept { return tq_status_str(static_cast<tq_status>(s)); }

/// The order a queue hands out its items in (tq_order).
enum class order : int {
    fifo = TQ_FIFO,          ///< first in, first out (Python's Queue)
    lifo = TQ_LIFO,          ///< last in, first out (LifoQueue)
    priority = TQ_PRIORITY,  ///< lowest priority first, FIFO among equals
};

/// A deadline for a blocking call: a time point of any std::chrono clock.
template <class Clock, class Duration>
using deadline = std::chrono::time_point<Clock, Duration>;

/// A wait limit for a blocking call, made (implicitly) from any
/// std::chrono duration: zero never blocks, a positive duration is rounded
/// UP to whole milliseconds, a negative one (or one too long for the C API's
/// int64 milliseconds, or a floating NaN) waits forever.
class timeout {
public:
    /// Converts `d`; implicit so that `q.get(50ms)` reads naturally.
    template <class Rep, class Period>
    constexpr timeout(std::chrono::duration<Rep, Period> d) noexcept : ms_(to_ms(d)) {}

    /// The time left until `d` on its clock, read now and rounded UP to
    /// whole milliseconds: none once `d` has passed, forever when `d` is too
    /// far away (as for durations). It does not count down: make it for the
    /// call it is for (the deadline overloads of the blocking calls do).
    template <class Clock, class Duration>
    static timeout until(const deadline<Clock, Duration> &d) noexcept {
        // In floating milliseconds, so that no clock's time_point::min()/max() can overflow.
        using float_ms = std::chrono::duration<long double, std::milli>;
        const long double left =
            float_ms(d.time_since_epoch()).count() - float_ms(Clock::now().time_since_epoch()).count();
        return timeout(left <= 0 ? TQ_NOWAIT
                       : !(left < limit_ms) ? TQ_FOREVER
                                            : static_cast<std::int64_t>(std::ceil(left)));
    }

    /// The `timeout_ms` argument passed to the C API.
    constexpr std::int64_t ms() const noexcept { return ms_; }

private:
    /// A limit already in the C API's milliseconds.
    constexpr explicit timeout(std::int64_t ms) noexcept : ms_(ms) {}

    /// 2^53 ms (about 285,000 years): longer waits are forever. Below it,
    /// the integer conversion of any standard period cannot overflow.
    static constexpr long double limit_ms = 9007199254740992.0L;

    template <class Rep, class Period>
    static constexpr std::int64_t to_ms(std::chrono::duration<Rep, Period> d) noexcept {
        return d < d.zero() || !(std::chrono::duration<long double, std::milli>(d).count() < limit_ms)
                   ? TQ_FOREVER
                   : std::chrono::ceil<std::chrono::milliseconds>(d).count();
    }

    std::int64_t ms_;
};

/// Never block (TQ_NOWAIT).
inline constexpr timeout nowait{std::chrono::milliseconds(TQ_NOWAIT)};
/// Block without a time limit (TQ_FOREVER).
inline constexpr timeout forever{std::chrono::milliseconds(TQ_FOREVER)};

/// Thrown by value() on a result that holds no value; status() says why.
class bad_result_access : public std::bad_optional_access {
public:
    /// For a result whose status is `s`.
    explicit bad_result_access(tq::status s) noexcept : status_(s) {}
    /// Why the call failed: empty, full, shutdown, invalid, ...
    tq::status status() const noexcept { return status_; }
    /// The status's description (to_string).
    const char *what() const noexcept override { return to_string(status_); }

private:
    tq::status status_;
};

/// What a get returns: the status and, when it is status::ok, the item.
/// Like a std::optional<T *>: it holds a value exactly on success.
template <class T>
struct get_result {
    tq::status status;  ///< ok, empty (timeout), shutdown (drained) or invalid
    T *item;            ///< the item on success (may be a queued nullptr), else nullptr

    /// Whether an item was taken (status is ok).
    constexpr bool has_value() const noexcept { return status == tq::status::ok; }
    /// As has_value().
    constexpr explicit operator bool() const noexcept { return has_value(); }
    /// The item taken; as for std::optional, check has_value() first.
    constexpr T *operator*() const noexcept { return item; }
    /// The item taken, so that `r->member` reaches the item's member.
    constexpr T *operator->() const noexcept { return item; }
    /// The item taken; throws bad_result_access(status) when none was.
    T *value() const { return has_value() ? item : throw bad_result_access(status); }
};

/// What a batch call returns: the status and how many items moved.
/// Like a std::optional<std::size_t>: it holds the count on status::ok (at
/// least one moved, or none was asked).
struct batch_result {
    tq::status status;  ///< ok, or why nothing moved (full/empty/shutdown/...)
    std::size_t count;  ///< how many items were put or taken

    /// Whether the call succeeded (status is ok).
    constexpr bool has_value() const noexcept { return status == tq::status::ok; }
    /// As has_value().
    constexpr explicit operator bool() const noexcept { return has_value(); }
    /// How many moved; as for std::optional, check has_value() first.
    constexpr std::size_t operator*() const noexcept { return count; }
    /// How many moved; throws bad_result_access(status) on failure.
    std::size_t value() const { return has_value() ? count : throw bad_result_access(status); }
};

/// What get_fd/put_fd return: the status and, when it is status::ok, the
/// descriptor. Like a std::optional<int>: it holds a value exactly on success.
struct fd_result {
    tq::status status;  ///< ok, system (the OS refused a descriptor) or invalid
    int fd;             ///< the descriptor on success, else -1

    /// Whether there is a descriptor (status is ok).
    constexpr bool has_value() const noexcept { return status == tq::status::ok; }
    /// As has_value().
    constexpr explicit operator bool() const noexcept { return has_value(); }
    /// The descriptor; as for std::optional, check has_value() first.
    constexpr int operator*() const noexcept { return fd; }
    /// The descriptor; throws bad_result_access(status) without one.
    int value() const { return has_value() ? fd : throw bad_result_access(status); }
};

/// What get_any returns: a get_result and which queue gave the item.
template <class T>
struct any_result : get_result<T> {
    std::size_t index;  ///< on success, the position of the queue that gave the item; else 0
};

/// Options for a tq::queue (tq_options without struct_size, which is filled in).
struct options {
    tq::order order = tq::order::fifo;  ///< hand-out order
    std::size_t maxsize = 0;            ///< the bound; 0 = unbounded
    tq_destroy_fn destroy = nullptr;    ///< optional: gets each item the queue drops; must not throw
    void *destroy_ctx = nullptr;        ///< second argument of `destroy`
};

/// A queue of void * items that owns its tq_queue (move-only).
///
/// Every constructor makes its queue with tq_create. The throwing ones
/// throw std::invalid_argument for options the library would reject (an
/// order that is not an enumerator), std::bad_alloc when the library runs
/// out of memory and std::runtime_error (the status's description) for any
/// other failure. The std::nothrow ones leave the queue empty-handed
/// instead: test it with `if (!q)`.
class queue {
public:
    /// The items' type: get() hands out void *.
    using item_type = void;

    /// A FIFO queue holding at most `maxsize` items (0 = unbounded).
    explicit queue(std::size_t maxsize = 0) : queue(fifo(maxsize)) {}
    /// A queue configured by `o`.
    explicit queue(const options &o) : q_(create(o)) {}
    /// As queue(maxsize), without exceptions.
    explicit queue(std::nothrow_t, std::size_t maxsize = 0) noexcept : queue(std::nothrow, fifo(maxsize)) {}
    /// As queue(o), without exceptions.
    queue(std::nothrow_t, const options &o) noexcept : q_(create(std::nothrow, o)) {}

    /// Frees the queue; no other thread may still be using it.
    ~queue() { tq_free(q_); }

    queue(const queue &) = delete;
    queue &operator=(const queue &) = delete;
    /// Takes `other`'s queue; `other` is left without one.
    queue(queue &&other) noexcept : q_(std::exchange(other.q_, nullptr)) {}
    /// Frees this queue, then takes `other`'s.
    queue &operator=(queue &&other) noexcept {
        if (this != &other) {
            tq_free(std::exchange(q_, std::exchange(other.q_, nullptr)));
        }
        return *this;
    }

    /// Whether this object holds a queue (false once moved from).
    explicit operator bool() const noexcept { return q_ != nullptr; }
    /// The C handle, for tq.h calls; still owned by this object.
    tq_queue *native_handle() const noexcept { return q_; }

    /// tq_put: ok, full at the timeout, or shutdown. nullptr is a legal item.
    [[nodiscard]] status put(void *item, timeout t = forever) noexcept { return wrap(tq_put(q_, item, t.ms())); }
    /// tq_put_priority: lowest first; invalid unless order::priority.
    [[nodiscard]] status put_priority(void *item, std::int64_t priority, timeout t = forever) noexcept {
        return wrap(tq_put_priority(q_, item, priority, t.ms()));
    }
    /// tq_get: the next item, or empty at the timeout, or shutdown once drained.
    [[nodiscard]] get_result<void> get(timeout t = forever) noexcept {
        void *item = nullptr;
        return {wrap(tq_get(q_, &item, t.ms())), item};
    }
    /// tq_put_many: waits for the first of `items[0..n)` to fit, then puts as many as fit.
    [[nodiscard]] batch_result put_many(void *const *items, std::size_t n, timeout t = forever) noexcept {
        std::size_t count = 0;
        return {wrap(tq_put_many(q_, items, n, &count, t.ms())), count};
    }
    /// tq_get_many: waits for one item, then takes up to `max` into `out`.
    [[nodiscard]] batch_result get_many(void **out, std::size_t max, timeout t = forever) noexcept {
        std::size_t count = 0;
        return {wrap(tq_get_many(q_, out, max, &count, t.ms())), count};
    }

    /// put, waiting until the deadline `d` at most.
    template <class Clock, class Duration>
    [[nodiscard]] status put(void *item, const deadline<Clock, Duration> &d) noexcept {
        return put(item, timeout::until(d));
    }
    /// put_priority, waiting until the deadline `d` at most.
    template <class Clock, class Duration>
    [[nodiscard]] status put_priority(void *item, std::int64_t priority, const deadline<Clock, Duration> &d) noexcept {
        return put_priority(item, priority, timeout::until(d));
    }
    /// get, waiting until the deadline `d` at most.
    template <class Clock, class Duration>
    [[nodiscard]] get_result<void> get(const deadline<Clock, Duration> &d) noexcept {
        return get(timeout::until(d));
    }
    /// put_many, waiting until the deadline `d` at most.
    template <class Clock, class Duration>
    [[nodiscard]] batch_result put_many(void *const *items, std::size_t n, const deadline<Clock, Duration> &d) noexcept {
        return put_many(items, n, timeout::until(d));
    }
    /// get_many, waiting until the deadline `d` at most.
    template <class Clock, class Duration>
    [[nodiscard]] batch_result get_many(void **out, std::size_t max, const deadline<Clock, Duration> &d) noexcept {
        return get_many(out, max, timeout::until(d));
    }

    /// tq_task_done: too_many_done (no change) when no task is unfinished.
    [[nodiscard]] status task_done() noexcept { return wrap(tq_task_done(q_)); }
    /// tq_task_done_n: `n` tasks at once, all or nothing.
    [[nodiscard]] status task_done_n(std::size_t n) noexcept { return wrap(tq_task_done_n(q_, n)); }
    /// tq_task_done_all: every unfinished task done at once (every join
    /// returns); how many that was (0 on a moved-from queue).
    std::size_t task_done_all() noexcept {
        std::size_t n = 0;
        (void)tq_task_done_all(q_, &n);
        return n;
    }
    /// tq_join: ok once every task is done, timeout if some remain at the limit.
    [[nodiscard]] status join(timeout t = forever) noexcept { return wrap(tq_join(q_, t.ms())); }
    /// join, waiting until the deadline `d` at most.
    template <class Clock, class Duration>
    [[nodiscard]] status join(const deadline<Clock, Duration> &d) noexcept {
        return join(timeout::until(d));
    }
    /// tq_shutdown: puts fail, gets drain; `immediate` drops the queued items.
    [[nodiscard]] status shutdown(bool immediate = false) noexcept { return wrap(tq_shutdown(q_, immediate)); }
    /// tq_set_maxsize: changes the bound (0 = unbounded).
    [[nodiscard]] status set_maxsize(std::size_t maxsize) noexcept { return wrap(tq_set_maxsize(q_, maxsize)); }

    /// tq_get_fd: a descriptor that polls readable (POLLIN) exactly while a
    /// get would not block (an item is queued, or the queue is shut down);
    /// the same one on every call. The queue owns it and closes it when
    /// freed: poll it, never read, write or close it. Another consumer may
    /// win the item, so get with nowait until empty. system when the OS
    /// refuses a descriptor.
    [[nodiscard]] fd_result get_fd() noexcept {
        int fd = -1;
        return {wrap(tq_get_fd(q_, &fd)), fd};
    }
    /// tq_put_fd: as get_fd, readable exactly while a put would not block
    /// (there is room, or the queue is shut down).
    [[nodiscard]] fd_result put_fd() noexcept {
        int fd = -1;
        return {wrap(tq_put_fd(q_, &fd)), fd};
    }

    /// tq_qsize: how many items are queued.
    std::size_t qsize() const noexcept { return tq_qsize(q_); }
    /// tq_empty: whether no item is queued (false without a queue).
    bool empty() const noexcept { return tq_empty(q_); }
    /// tq_full: whether a bounded queue is at its bound.
    bool full() const noexcept { return tq_full(q_); }
    /// tq_maxsize: the bound, 0 = unbounded.
    std::size_t maxsize() const noexcept { return tq_maxsize(q_); }
    /// tq_unfinished: put items not yet marked done.
    std::size_t unfinished() const noexcept { return tq_unfinished(q_); }
    /// tq_is_shutdown: whether shutdown() was called.
    bool is_shutdown() const noexcept { return tq_is_shutdown(q_); }

private:
    static status wrap(tq_status s) noexcept { return static_cast<status>(s); }
    /// The options of queue(maxsize).
    static options fifo(std::size_t maxsize) noexcept { return {tq::order::fifo, maxsize}; }
    /// tq_create over `o` into `*q`.
    static tq_status make(const options &o, tq_queue **q) noexcept {
        const tq_options c{sizeof(tq_options), static_cast<tq_order>(o.order), o.maxsize, o.destroy, o.destroy_ctx};
        return tq_create(&c, q);
    }
    /// A queue made by tq_create, or the exception saying why there is none.
    static tq_queue *create(const options &o) {
        tq_queue *q = nullptr;
        switch (const tq_status s = make(o, &q)) {
        case TQ_OK: return q;
        case TQ_INVALID: throw std::invalid_argument("tq::options: order is not fifo, lifo or priority");
        case TQ_NOMEM: throw std::bad_alloc();
        default: throw std::runtime_error(tq_status_str(s));
        }
    }
    /// A queue made by tq_create, or NULL.
    static tq_queue *create(std::nothrow_t, const options &o) noexcept {
        tq_queue *q = nullptr;
        return make(o, &q) == TQ_OK ? q : nullptr;
    }

    tq_queue *q_;
};

/// The deleter of an owning_queue: `delete item`.
template <class T>
void delete_item(T *item) noexcept {
    delete item;
}

/// A queue of T * items over tq::queue. `Destroy`, if given, gets each item
/// the queue drops (shutdown(true), destruction) and must not throw; a put
/// that fails leaves the item with the caller. T must not be const.
template <class T, void (*Destroy)(T *) = nullptr>
class typed_queue {
public:
    /// The items' type: get() hands out T *.
    using item_type = T;

    /// A queue holding at most `maxsize` items (0 = unbounded); throws
    /// std::invalid_argument and std::bad_alloc as tq::queue does.
    explicit typed_queue(std::size_t maxsize = 0, tq::order order = tq::order::fifo)
        : q_(untyped_options(maxsize, order)) {}
    /// As above, without exceptions: test with `if (!q)`.
    explicit typed_queue(std::nothrow_t, std::size_t maxsize = 0, tq::order order = tq::order::fifo) noexcept
        : q_(std::nothrow, untyped_options(maxsize, order)) {}

    /// Whether this object holds a queue (false once moved from).
    explicit operator bool() const noexcept { return static_cast<bool>(q_); }
    /// The C handle, for tq.h calls; still owned by this object.
    tq_queue *native_handle() const noexcept { return q_.native_handle(); }

    /// As queue::put.
    [[nodiscard]] status put(T *item, timeout t = forever) noexcept { return q_.put(item, t); }
    /// As queue::put_priority.
    [[nodiscard]] status put_priority(T *item, std::int64_t priority, timeout t = forever) noexcept {
        return q_.put_priority(item, priority, t);
    }
    /// As queue::get.
    [[nodiscard]] get_result<T> get(timeout t = forever) noexcept {
        get_result<void> r = q_.get(t);
        return {r.status, static_cast<T *>(r.item)};
    }
    /// As queue::put_many (a T * is passed as the void * it converts to,
    /// which has the same representation on every platform tq supports).
    [[nodiscard]] batch_result put_many(T *const *items, std::size_t n, timeout t = forever) noexcept {
        return q_.put_many(reinterpret_cast<void *const *>(items), n, t);
    }
    /// As queue::get_many (see put_many).
    [[nodiscard]] batch_result get_many(T **out, std::size_t max, timeout t = forever) noexcept {
        return q_.get_many(reinterpret_cast<void **>(out), max, t);
    }

    /// put, waiting until the deadline `d` at most.
    template <class Clock, class Duration>
    [[nodiscard]] status put(T *item, const deadline<Clock, Duration> &d) noexcept {
        return put(item, timeout::until(d));
    }
    /// put_priority, waiting until the deadline `d` at most.
    template <class Clock, class Duration>
    [[nodiscard]] status put_priority(T *item, std::int64_t priority, const deadline<Clock, Duration> &d) noexcept {
        return put_priority(item, priority, timeout::until(d));
    }
    /// get, waiting until the deadline `d` at most.
    template <class Clock, class Duration>
    [[nodiscard]] get_result<T> get(const deadline<Clock, Duration> &d) noexcept {
        return get(timeout::until(d));
    }
    /// put_many, waiting until the deadline `d` at most.
    template <class Clock, class Duration>
    [[nodiscard]] batch_result put_many(T *const *items, std::size_t n, const deadline<Clock, Duration> &d) noexcept {
        return put_many(items, n, timeout::until(d));
    }
    /// get_many, waiting until the deadline `d` at most.
    template <class Clock, class Duration>
    [[nodiscard]] batch_result get_many(T **out, std::size_t max, const deadline<Clock, Duration> &d) noexcept {
        return get_many(out, max, timeout::until(d));
    }

    /// As queue::task_done.
    [[nodiscard]] status task_done() noexcept { return q_.task_done(); }
    /// As queue::task_done_n.
    [[nodiscard]] status task_done_n(std::size_t n) noexcept { return q_.task_done_n(n); }
    /// As queue::task_done_all.
    std::size_t task_done_all() noexcept { return q_.task_done_all(); }
    /// As queue::join.
    [[nodiscard]] status join(timeout t = forever) noexcept { return q_.join(t); }
    /// join, waiting until the deadline `d` at most.
    template <class Clock, class Duration>
    [[nodiscard]] status join(const deadline<Clock, Duration> &d) noexcept {
        return join(timeout::until(d));
    }
    /// As queue::shutdown; `immediate` passes the queued items to `Destroy`.
    [[nodiscard]] status shutdown(bool immediate = false) noexcept { return q_.shutdown(immediate); }
    /// As queue::set_maxsize.
    [[nodiscard]] status set_maxsize(std::size_t maxsize) noexcept { return q_.set_maxsize(maxsize); }

    /// As queue::get_fd.
    [[nodiscard]] fd_result get_fd() noexcept { return q_.get_fd(); }
    /// As queue::put_fd.
    [[nodiscard]] fd_result put_fd() noexcept { return q_.put_fd(); }

    /// As queue::qsize.
    std::size_t qsize() const noexcept { return q_.qsize(); }
    /// As queue::empty.
    bool empty() const noexcept { return q_.empty(); }
    /// As queue::full.
    bool full() const noexcept { return q_.full(); }
    /// As queue::maxsize.
    std::size_t maxsize() const noexcept { return q_.maxsize(); }
    /// As queue::unfinished.
    std::size_t unfinished() const noexcept { return q_.unfinished(); }
    /// As queue::is_shutdown.
    bool is_shutdown() const noexcept { return q_.is_shutdown(); }

private:
    /// The C callback: hands a dropped item to `Destroy` as a T *.
    static void destroy(void *item, void *) noexcept { Destroy(static_cast<T *>(item)); }
    static options untyped_options(std::size_t maxsize, tq::order order) noexcept {
        return {order, maxsize, Destroy != nullptr ? &destroy : nullptr, nullptr};
    }

    queue q_;
};

/// A typed_queue that owns its items: those it drops are deleted.
template <class T>
using owning_queue = typed_queue<T, &delete_item<T>>;

/// tq_get_any: takes one item from whichever of `queues` has one, waiting
/// per `t`, and says which gave it. `queues` are pointers to queues of one
/// type (tq::queue or one typed_queue), e.g. `tq::get_any({&a, &b}, 50ms)`;
/// the same queue may appear twice. Each queue keeps its own order and none
/// starves. A queue shut down and drained is passed over: shutdown once
/// every one is, empty at the timeout, invalid (nothing taken) when an
/// entry is nullptr or holds no queue (moved from).
template <class Queue, std::size_t N>
[[nodiscard]] any_result<typename Queue::item_type> get_any(Queue *const (&queues)[N], timeout t = forever) noexcept {
    tq_queue *handles[N];
    for (std::size_t i = 0; i < N; i++) {
        handles[i] = queues[i] != nullptr ? queues[i]->native_handle() : nullptr;
    }
    void *item = nullptr;
    std::size_t index = 0;
    const tq_status s = tq_get_any(handles, N, &item, &index, t.ms());
    return {{static_cast<status>(s), static_cast<typename Queue::item_type *>(item)}, index};
}

/// get_any, waiting until the deadline `d` at most.
template <class Queue, std::size_t N, class Clock, class Duration>
[[nodiscard]] any_result<typename Queue::item_type> get_any(Queue *const (&queues)[N],
                                                            const deadline<Clock, Duration> &d) noexcept {
    return get_any(queues, timeout::until(d));
}

}  // namespace tq

#endif /* TQ_HPP */
