#pragma once
// A record's JSON form from one table of its fields (key, member, unit): toJson and fromJson walk the same table, so
// the two directions cannot disagree. fromJson checks each value's type, refuses a missing key (std::optional members
// may be left out) and a key the table does not have, and names the path ("requests.due: expected an integer, found
// string"). A record type takes part by declaring `fieldsOf(const Record*)`, returning its table (found by ADL).

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace loadscope::loadgen_json {

using Json = nlohmann::json;

// "requests.due: expected an integer, found string"
class FieldError : public std::runtime_error {
public:
    FieldError(const std::string& path, const std::string& message)
        : std::runtime_error((path.empty() ? "(document)" : path) + ": " + message) {}
};

template <typename Record> struct Field {
    std::string_view key;
    std::string_view unit; // what the number counts ("ms", "requests"); empty for words and flags
    void (*write)(const Record& record, Json& object, std::string_view key);
    // `value` is nullptr when the key is absent; `path` names it in errors.
    void (*read)(const Json* value, Record& record, const std::string& path);
};

template <typename T>
concept JsonRecord = requires(const T* record) {
    fieldsOf(record);
};

template <typename T> struct IsOptional : std::false_type {};
template <typename T> struct IsOptional<std::optional<T>> : std::true_type {};
template <typename T> struct IsVector : std::false_type {};
template <typename T> struct IsVector<std::vector<T>> : std::true_type {};
template <typename T> struct IsStringMap : std::false_type {};
template <typename T> struct IsStringMap<std::map<std::string, T>> : std::true_type {};

inline std::string pathJoin(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

[[noreturn]] inline void expectedAt(const std::string& path, const std::string& what, const Json& found) {
    throw FieldError(path, "expected " + what + ", found " + std::string(found.type_name()));
}

template <JsonRecord R> Json toJson(const R& record);
template <JsonRecord R> void fromJson(const Json& object, R& record, const std::string& path = "");

template <typename T> Json toJsonValue(const T& value) {
    if constexpr (JsonRecord<T>) {
        return toJson(value);
    } else if constexpr (IsVector<T>::value) {
        Json array = Json::array();
        for (const auto& item : value)
            array.push_back(toJsonValue(item));
        return array;
    } else if constexpr (IsStringMap<T>::value) {
        Json object = Json::object();
        for (const auto& [key, item] : value)
            object[key] = toJsonValue(item);
        return object;
    } else {
        return Json(value);
    }
}

template <typename T> void integerFromJson(const Json& j, T& value, const std::string& path) {
    if (!j.is_number_integer())
        expectedAt(path, "an integer", j);
    const bool fits = j.is_number_unsigned()
                          ? j.get<std::uint64_t>() <= std::uint64_t(std::numeric_limits<T>::max())
                          : std::is_signed_v<T> &&
                                j.get<std::int64_t>() >= std::int64_t(std::numeric_limits<T>::min()) &&
                                j.get<std::int64_t>() <= std::int64_t(std::numeric_limits<T>::max());
    if (!fits)
        throw FieldError(path, "expected an integer in the range of its field");
    value = j.get<T>();
}

template <typename T> void fromJsonValue(const Json& j, T& value, const std::string& path) {
    if constexpr (JsonRecord<T>) {
        fromJson(j, value, path);
    } else if constexpr (std::is_same_v<T, bool>) {
        if (!j.is_boolean())
            expectedAt(path, "true or false", j);
        value = j.get<bool>();
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (!j.is_string())
            expectedAt(path, "a string", j);
        value = j.get<std::string>();
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!j.is_number())
            expectedAt(path, "a number", j);
        value = j.get<T>();
    } else if constexpr (std::is_integral_v<T>) {
        integerFromJson(j, value, path);
    } else if constexpr (IsVector<T>::value) {
        if (!j.is_array())
            expectedAt(path, "an array", j);
        value.assign(j.size(), {});
        for (std::size_t i = 0; i < j.size(); ++i)
            fromJsonValue(j[i], value[i], path + "[" + std::to_string(i) + "]");
    } else {
        static_assert(IsStringMap<T>::value, "no JSON form for this member type");
        if (!j.is_object())
            expectedAt(path, "an object", j);
        value.clear();
        for (const auto& [key, item] : j.items())
            fromJsonValue(item, value[key], pathJoin(path, key));
    }
}

template <JsonRecord R> Json toJson(const R& record) {
    Json object = Json::object();
    for (const auto& field : fieldsOf(&record))
        field.write(record, object, field.key);
    return object;
}

template <JsonRecord R> void fromJson(const Json& object, R& record, const std::string& path) {
    if (!object.is_object())
        expectedAt(path, "an object", object);
    const auto& fields = fieldsOf(&record);
    for (const auto& item : object.items()) {
        const bool known =
            std::any_of(fields.begin(), fields.end(), [&](const auto& f) { return f.key == item.key(); });
        if (!known)
            throw FieldError(pathJoin(path, item.key()), "not a field the generator writes");
    }
    for (const auto& field : fields) {
        const auto it = object.find(field.key);
        field.read(it == object.end() ? nullptr : &*it, record, pathJoin(path, field.key));
    }
}

template <typename> struct MemberOf;
template <typename R, typename T> struct MemberOf<T R::*> {
    using Record = R;
    using Type = T;
};

// One entry of a table: `field<&Requests::due>("due", "requests")`.
template <auto Member> constexpr auto field(std::string_view key, std::string_view unit) {
    using R = typename MemberOf<decltype(Member)>::Record;
    using T = typename MemberOf<decltype(Member)>::Type;
    return Field<R>{
        key,
        unit,
        [](const R& record, Json& object, std::string_view name) {
            const T& value = record.*Member;
            if constexpr (IsOptional<T>::value) {
                if (value)
                    object[std::string(name)] = toJsonValue(*value);
            } else {
                object[std::string(name)] = toJsonValue(value);
            }
        },
        [](const Json* json, R& record, const std::string& path) {
            T& value = record.*Member;
            if constexpr (IsOptional<T>::value) {
                value.reset();
                if (json)
                    fromJsonValue(*json, value.emplace(), path);
            } else {
                if (!json)
                    throw FieldError(path, "missing");
                fromJsonValue(*json, value, path);
            }
        },
    };
}

} // namespace loadscope::loadgen_json
