#include "cluster/json_decode.h"

#include <simdjson.h>

#include <fmt/format.h>

namespace kg::cluster {
namespace {

namespace dom = simdjson::dom;

constexpr doc::Mark kNoMark{};

doc::Node to_node(dom::element e);

doc::Node object_to_node(dom::object object, bool is_metadata) {
  doc::Node out = doc::Node::mapping(kNoMark);
  for (auto field : object) {
    if (is_metadata && field.key == "managedFields") continue;
    doc::Node value = to_node(field.value);
    out.set(std::string(field.key), kNoMark, std::move(value));
  }
  return out;
}

// A Kubernetes object: a mapping whose "metadata" loses managedFields.
doc::Node k8s_object_to_node(dom::object object) {
  doc::Node out = doc::Node::mapping(kNoMark);
  for (auto field : object) {
    dom::object inner;
    if (field.key == "metadata" && field.value.get_object().get(inner) == simdjson::SUCCESS) {
      out.set("metadata", kNoMark, object_to_node(inner, true));
    } else {
      out.set(std::string(field.key), kNoMark, to_node(field.value));
    }
  }
  return out;
}

doc::Node to_node(dom::element e) {
  switch (e.type()) {
    // The type was just checked, so each value_unsafe() below is the value.
    case dom::element_type::OBJECT: return object_to_node(e.get_object().value_unsafe(), false);
    case dom::element_type::ARRAY: {
      dom::array array = e.get_array().value_unsafe();  // a local: the range-for must not hold a temporary's part
      doc::Node out = doc::Node::sequence(kNoMark);
      for (dom::element item : array) out.append(to_node(item));
      return out;
    }
    case dom::element_type::STRING:
      return doc::Node::scalar(std::string(e.get_string().value_unsafe()), doc::ScalarType::String, kNoMark);
    case dom::element_type::INT64:
      return doc::Node::scalar(std::to_string(e.get_int64().value_unsafe()), doc::ScalarType::Int, kNoMark);
    case dom::element_type::UINT64:
      return doc::Node::scalar(std::to_string(e.get_uint64().value_unsafe()), doc::ScalarType::Int, kNoMark);
    case dom::element_type::DOUBLE:
      return doc::Node::scalar(fmt::format("{}", e.get_double().value_unsafe()), doc::ScalarType::Float, kNoMark);
    case dom::element_type::BOOL:
      return doc::Node::scalar(e.get_bool().value_unsafe() ? "true" : "false", doc::ScalarType::Bool, kNoMark);
    case dom::element_type::NULL_VALUE: return doc::Node::null(kNoMark);
  }
  return doc::Node::null(kNoMark);
}

std::string string_field(dom::object object, std::string_view key) {
  std::string_view value;
  if (object[key].get_string().get(value) != simdjson::SUCCESS) return {};
  return std::string(value);
}

Error decode_error(std::string_view what, simdjson::error_code code) {
  return Error{ErrorKind::Decode, fmt::format("{}: {}", what, simdjson::error_message(code))};
}

}  // namespace

struct JsonDecoder::Impl {
  dom::parser parser;
};

JsonDecoder::JsonDecoder() : impl_(std::make_unique<Impl>()) {}
JsonDecoder::~JsonDecoder() = default;
JsonDecoder::JsonDecoder(JsonDecoder&&) noexcept = default;
JsonDecoder& JsonDecoder::operator=(JsonDecoder&&) noexcept = default;

Expected<ListPage> JsonDecoder::list(std::string_view body, std::string_view api_version, std::string_view kind) {
  dom::object root;
  if (auto err = impl_->parser.parse(body.data(), body.size()).get_object().get(root); err) {
    return decode_error("list response", err);
  }
  ListPage page;
  dom::object metadata;
  if (root["metadata"].get_object().get(metadata) == simdjson::SUCCESS) {
    page.continue_token = string_field(metadata, "continue");
    page.resource_version = string_field(metadata, "resourceVersion");
  }
  dom::array items;
  auto err = root["items"].get_array().get(items);
  if (err == simdjson::INCORRECT_TYPE && root["items"].is_null()) return page;  // an empty list may say null
  if (err) return decode_error("list response has no items array", err);
  page.items.reserve(items.size());
  for (dom::element item : items) {
    dom::object object;
    if (item.get_object().get(object) != simdjson::SUCCESS) continue;
    doc::Node node = doc::Node::mapping(kNoMark);
    node.set("apiVersion", kNoMark, doc::Node::scalar(std::string(api_version), doc::ScalarType::String, kNoMark));
    node.set("kind", kNoMark, doc::Node::scalar(std::string(kind), doc::ScalarType::String, kNoMark));
    doc::Node decoded = k8s_object_to_node(object);
    for (auto& entry : decoded.mutable_entries()) {
      if (entry.key == "apiVersion" || entry.key == "kind") continue;
      node.set(std::move(entry.key), kNoMark, std::move(entry.value));
    }
    page.items.push_back(std::move(node));
  }
  return page;
}

Expected<doc::Node> JsonDecoder::object(std::string_view body) {
  dom::object root;
  if (auto err = impl_->parser.parse(body.data(), body.size()).get_object().get(root); err) {
    return decode_error("object response", err);
  }
  return k8s_object_to_node(root);
}

Expected<WatchEvent> JsonDecoder::watch_event(std::string_view line) {
  dom::object root;
  if (auto err = impl_->parser.parse(line.data(), line.size()).get_object().get(root); err) {
    return decode_error("watch event", err);
  }
  WatchEvent event;
  event.type = string_field(root, "type");
  if (event.type.empty()) return Error{ErrorKind::Decode, "watch event without a type"};
  dom::object object;
  if (root["object"].get_object().get(object) == simdjson::SUCCESS) event.object = k8s_object_to_node(object);
  return event;
}

std::string status_message(std::string_view body) {
  dom::parser parser;
  dom::object root;
  if (parser.parse(body.data(), body.size()).get_object().get(root) != simdjson::SUCCESS) return {};
  if (string_field(root, "kind") != "Status") return {};
  return string_field(root, "message");
}

}  // namespace kg::cluster
