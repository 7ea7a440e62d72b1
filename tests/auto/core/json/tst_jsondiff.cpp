// SPDX-License-Identifier: MIT
// jsonDiff: hand-written cases for the exact operations (keyed predicates, escaping, positional
// arrays, type changes), manifest-sized keyed arrays, and a seeded property test over random
// document pairs: applying diff(a, b) to a gives b, and diff(a, a) is empty.

#include "jsondiff.h"
#include "jsonpatch.h"
#include "keyedarray.h"

#include <QTest>

#include <iterator>
#include <random>
#include <string>
#include <vector>

using namespace runboard;

namespace {

Json parsed(const QByteArray &text)
{
    return Json::parse(text.toStdString());
}

QString shown(const Json &value)
{
    return QString::fromStdString(value.dump(-1, ' ', false, Json::error_handler_t::replace));
}

// A manifest-shaped document with `taskCount` keyed tasks and three agents.
Json manifest(int taskCount)
{
    Json doc = Json::object();
    doc["version"] = 1;
    doc["runId"] = "R-1";
    doc["agents"] = Json::array();
    for (const char *session : {"S-lead", "S-worker-1", "S-validator"})
        doc["agents"].push_back({{"sessionId", session}, {"status", "running"}});
    doc["tasks"] = Json::array();
    for (int i = 1; i <= taskCount; ++i) {
        const std::string id = "T-" + std::to_string(i);
        doc["tasks"].push_back({{"id", id},
                                {"phaseId", "developing"},
                                {"title", "Task " + id},
                                {"description", "caf\xc3\xa9 \"quoted\"\nnext\tline"},
                                {"status", "pending"},
                                {"weight", 0.1},
                                {"filesHint", {"src/a.cpp", "src/b.cpp"}},
                                {"validationGate", {{"required", true}, {"stepIds", {"V-1"}}}}});
    }
    return doc;
}

// Random documents and random edits of them. Everything comes from one std::mt19937, so a
// case is reproduced from its seed alone.
class RandomDocs
{
public:
    explicit RandomDocs(std::uint32_t seed) : m_rng(seed) {}

    Json value(int depth)
    {
        const int roll = below(100);
        if (depth <= 0 || roll < 35)
            return scalar();
        if (roll < 55)
            return object(depth);
        if (roll < 70)
            return plainArray(depth);
        return keyedArray(depth);
    }

    // One to four edits at random places, biased towards what happens to manifests: fields of
    // keyed elements change, elements come and go, and now and then get reordered.
    void mutate(Json &doc)
    {
        if (below(100) < 3) {
            doc = value(3);
            return;
        }
        const int edits = 1 + below(4);
        for (int i = 0; i < edits; ++i)
            mutateOnce(doc);
    }

private:
    int below(int bound) { return std::uniform_int_distribution<int>(0, bound - 1)(m_rng); }

    std::string text()
    {
        static const char *const kTexts[] = {
            "",      "a",          "b/c",   "m~n",         "caf\xc3\xa9 \xe2\x80\x94 \xe2\x9c\x93",
            "\"q\"", "line\nnext", "{x:y}", "back\\slash", "T-1",
            "0",     "-",          "~1",    "tab\there",   "\xe2\x80\x9cquoted\xe2\x80\x9d",
        };
        return kTexts[below(int(std::size(kTexts)))];
    }

    std::string memberName()
    {
        static const char *const kNames[]
            = {"a", "b",        "c", "status", "title", "a/b",  "m~n",
               "",  "\xc3\xa9", "0", "-",      "id",    "x~1y", "{id:z}"};
        return kNames[below(int(std::size(kNames)))];
    }

    Json scalar()
    {
        switch (below(8)) {
        case 0:
            return nullptr;
        case 1:
            return below(2) == 0;
        case 2:
        case 3:
            return below(11) - 5;
        case 4:
            return double(below(11) - 5); // integral doubles equal their integers
        case 5:
            return double(below(40)) / 8.0;
        default:
            return text();
        }
    }

    Json object(int depth)
    {
        Json out = Json::object();
        const int size = below(6);
        for (int i = 0; i < size; ++i)
            out[memberName()] = value(depth - 1);
        return out;
    }

    Json plainArray(int depth)
    {
        Json out = Json::array();
        const int size = below(6);
        for (int i = 0; i < size; ++i)
            out.push_back(below(3) == 0 ? value(depth - 1) : scalar());
        return out;
    }

    Json keyedElement(const char *field, int depth)
    {
        // Keys with `/` and `~` exercise the escaping of predicate tokens.
        static const char *const kPrefixes[] = {"T-", "x/", "m~", "S-"};
        Json element = Json::object();
        element[field] = kPrefixes[below(4)] + std::to_string(++m_nextKey);
        const int size = below(4);
        for (int i = 0; i < size; ++i) {
            std::string name = memberName();
            if (name == field)
                name = "status";
            element[name] = value(depth - 1);
        }
        return element;
    }

    Json keyedArray(int depth)
    {
        const char *field = below(4) == 0 ? "sessionId" : "id";
        Json out = Json::array();
        const int size = below(6);
        for (int i = 0; i < size; ++i)
            out.push_back(keyedElement(field, depth));
        return out;
    }

    static void containers(Json &node, std::vector<Json *> *out)
    {
        if (!node.is_structured())
            return;
        out->push_back(&node);
        for (Json &child : node)
            containers(child, out);
    }

    static const char *keyField(const Json &array)
    {
        for (const char *field : {"id", "sessionId"}) {
            bool all = !array.empty();
            for (const Json &element : array)
                all = all && element.is_object() && element.contains(field);
            if (all)
                return field;
        }
        return nullptr;
    }

    void mutateOnce(Json &doc)
    {
        std::vector<Json *> nodes;
        containers(doc, &nodes);
        if (nodes.empty()) {
            doc = below(2) == 0 ? scalar() : value(2);
            return;
        }
        Json &node = *nodes[std::size_t(below(int(nodes.size())))];
        if (below(100) < 4) {
            node = value(2); // a type change or a whole new subtree
            return;
        }
        if (node.is_object())
            mutateObject(node);
        else
            mutateArray(node);
    }

    void mutateObject(Json &object)
    {
        const int roll = below(100);
        if (object.empty() || roll < 25) {
            object[memberName()] = value(2);
            return;
        }
        auto member = object.begin();
        std::advance(member, below(int(object.size())));
        if (roll < 45) {
            object.erase(member.key());
        } else if (roll < 60 && member->is_number_integer()) {
            *member = double(member->get<int>()); // 1 -> 1.0: no change at all
        } else {
            *member = scalar();
        }
    }

    void mutateArray(Json &array)
    {
        const char *field = keyField(array);
        const int roll = below(100);
        const auto at = [&](int extra) {
            return std::size_t(below(int(array.size()) + extra));
        };
        if (field && roll < 30 && array.size() >= 2) {
            // Reorder: swap two elements or move one to the end.
            const std::size_t i = at(0);
            const std::size_t j = at(0);
            if (below(2) == 0) {
                std::swap(array[i], array[j]);
            } else {
                Json moved = array[i];
                array.erase(array.begin() + std::ptrdiff_t(i));
                array.push_back(std::move(moved));
            }
        } else if (field && roll < 60) {
            const std::size_t i = at(1);
            array.insert(array.begin() + std::ptrdiff_t(i), keyedElement(field, 2));
        } else if (!array.empty() && roll < 75) {
            array.erase(array.begin() + std::ptrdiff_t(at(0)));
        } else if (field && !array.empty()) {
            Json &element = array[at(0)];
            element[below(2) == 0 ? "status" : memberName()] = scalar();
            if (!element.contains(field))
                element[field] = "lost"; // keep the array keyed most of the time
        } else if (roll < 90 || array.empty()) {
            array.insert(array.begin() + std::ptrdiff_t(at(1)), value(1));
        } else {
            array[at(0)] = scalar();
        }
    }

    std::mt19937 m_rng;
    int m_nextKey = 0;
};

} // namespace

class tst_JsonDiff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void handCases_data();
    void handCases();
    void oneTaskFieldIsOneOperation();
    void largeKeyedArrayEdits();
    void elementKeyToken_data();
    void elementKeyToken();
    void keyIndexFindsEveryKeyOrRefusesTheArray();
    void randomPairs();
};

void tst_JsonDiff::handCases_data()
{
    QTest::addColumn<QByteArray>("from");
    QTest::addColumn<QByteArray>("to");
    QTest::addColumn<QByteArray>("ops");

    // Scalars, roots and type changes.
    QTest::newRow("equal") << QByteArray(R"({"a":[1,{"b":null}]})")
                           << QByteArray(R"({"a":[1,{"b":null}]})") << QByteArray("[]");
    QTest::newRow("int equals float") << QByteArray(R"({"n":1,"m":[2]})")
                                      << QByteArray(R"({"n":1.0,"m":[2.0]})") << QByteArray("[]");
    QTest::newRow("member order ignored")
        << QByteArray(R"({"a":1,"b":2})") << QByteArray(R"({"b":2,"a":1})") << QByteArray("[]");
    QTest::newRow("root scalar") << QByteArray("1") << QByteArray("2")
                                 << QByteArray(R"([{"op":"replace","path":"","value":2}])");
    QTest::newRow("root type change") << QByteArray(R"({"a":1})") << QByteArray("[1]")
                                      << QByteArray(R"([{"op":"replace","path":"","value":[1]}])");
    QTest::newRow("float change") << QByteArray(R"({"n":1})") << QByteArray(R"({"n":1.5})")
                                  << QByteArray(R"([{"op":"replace","path":"/n","value":1.5}])");
    QTest::newRow("object to array") << QByteArray(R"({"a":{"x":1}})") << QByteArray(R"({"a":[1]})")
                                     << QByteArray(R"([{"op":"replace","path":"/a","value":[1]}])");
    QTest::newRow("null to false") << QByteArray(R"({"a":null})") << QByteArray(R"({"a":false})")
                                   << QByteArray(R"([{"op":"replace","path":"/a","value":false}])");
    QTest::newRow("string to number") << QByteArray(R"({"a":"1"})") << QByteArray(R"({"a":1})")
                                      << QByteArray(R"([{"op":"replace","path":"/a","value":1}])");

    // Objects.
    QTest::newRow("members removed, changed, added")
        << QByteArray(R"({"a":1,"b":2,"c":3})") << QByteArray(R"({"a":1,"c":4,"e":6,"d":5})")
        << QByteArray(R"([{"op":"remove","path":"/b"},{"op":"replace","path":"/c","value":4},
                          {"op":"add","path":"/e","value":6},{"op":"add","path":"/d","value":5}])");
    QTest::newRow("nested member")
        << QByteArray(R"({"leadState":{"planning":{"stage":"intake"}}})")
        << QByteArray(R"({"leadState":{"planning":{"stage":"ready"}}})")
        << QByteArray(R"([{"op":"replace","path":"/leadState/planning/stage","value":"ready"}])");
    QTest::newRow("escaped member names")
        << QByteArray(R"({"a/b":1,"m~n":2,"":3})") << QByteArray(R"({"a/b":10,"m~n":20,"":30})")
        << QByteArray(R"([{"op":"replace","path":"/a~1b","value":10},
                          {"op":"replace","path":"/m~0n","value":20},
                          {"op":"replace","path":"/","value":30}])");

    // Keyed arrays.
    QTest::newRow("keyed: one field")
        << QByteArray(R"({"tasks":[{"id":"T-1","status":"pending"},{"id":"T-2","status":"pending"},
                                   {"id":"T-3","status":"pending"}]})")
        << QByteArray(R"({"tasks":[{"id":"T-1","status":"pending"},{"id":"T-2","status":"done"},
                                   {"id":"T-3","status":"pending"}]})")
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-2}/status","value":"done"}])");
    QTest::newRow("keyed: remove")
        << QByteArray(R"({"tasks":[{"id":"T-1"},{"id":"T-2"},{"id":"T-3"}]})")
        << QByteArray(R"({"tasks":[{"id":"T-1"},{"id":"T-3"}]})")
        << QByteArray(R"([{"op":"remove","path":"/tasks/{id:T-2}"}])");
    QTest::newRow("keyed: append")
        << QByteArray(R"({"tasks":[{"id":"T-1"}]})")
        << QByteArray(R"({"tasks":[{"id":"T-1"},{"id":"T-2","title":"New"}]})")
        << QByteArray(R"([{"op":"add","path":"/tasks/-","value":{"id":"T-2","title":"New"}}])");
    QTest::newRow("keyed: into empty")
        << QByteArray(R"({"tasks":[]})") << QByteArray(R"({"tasks":[{"id":"T-1"},{"id":"T-2"}]})")
        << QByteArray(R"([{"op":"add","path":"/tasks/-","value":{"id":"T-1"}},
                          {"op":"add","path":"/tasks/-","value":{"id":"T-2"}}])");
    QTest::newRow("keyed: insert in the middle")
        << QByteArray(R"({"tasks":[{"id":"T-1"},{"id":"T-3"}]})")
        << QByteArray(R"({"tasks":[{"id":"T-1"},{"id":"T-2"},{"id":"T-3"}]})")
        << QByteArray(R"([{"op":"add","path":"/tasks/1","value":{"id":"T-2"}}])");
    QTest::newRow("keyed: insert first")
        << QByteArray(R"({"tasks":[{"id":"T-1"}]})")
        << QByteArray(R"({"tasks":[{"id":"T-0"},{"id":"T-1"}]})")
        << QByteArray(R"([{"op":"add","path":"/tasks/0","value":{"id":"T-0"}}])");
    QTest::newRow("keyed: remove, edit, insert, append")
        << QByteArray(R"({"tasks":[{"id":"A","v":1},{"id":"B"},{"id":"C"},{"id":"D"}]})")
        << QByteArray(R"({"tasks":[{"id":"A","v":2},{"id":"X"},{"id":"C"},{"id":"D"},
                                   {"id":"Y"}]})")
        << QByteArray(R"([{"op":"remove","path":"/tasks/{id:B}"},
                          {"op":"replace","path":"/tasks/{id:A}/v","value":2},
                          {"op":"add","path":"/tasks/1","value":{"id":"X"}},
                          {"op":"add","path":"/tasks/-","value":{"id":"Y"}}])");
    QTest::newRow("keyed: inserts around removals")
        << QByteArray(R"([{"id":"a"},{"id":"b"},{"id":"c"}])")
        << QByteArray(R"([{"id":"n1"},{"id":"b"},{"id":"n2"},{"id":"n3"}])")
        << QByteArray(R"([{"op":"remove","path":"/{id:a}"},{"op":"remove","path":"/{id:c}"},
                          {"op":"add","path":"/0","value":{"id":"n1"}},
                          {"op":"add","path":"/-","value":{"id":"n2"}},
                          {"op":"add","path":"/-","value":{"id":"n3"}}])");
    QTest::newRow("keyed: by sessionId")
        << QByteArray(R"({"agents":[{"sessionId":"S-lead","status":"running"},
                                    {"sessionId":"S-w","status":"running"}]})")
        << QByteArray(R"({"agents":[{"sessionId":"S-lead","status":"running"},
                                    {"sessionId":"S-w","status":"completed"}]})")
        << QByteArray(R"([{"op":"replace","path":"/agents/{sessionId:S-w}/status",
                           "value":"completed"}])");
    QTest::newRow("keyed: id preferred over sessionId")
        << QByteArray(R"([{"id":"at-1","sessionId":"S","outcome":"failed"}])")
        << QByteArray(R"([{"id":"at-1","sessionId":"S","outcome":"succeeded"}])")
        << QByteArray(R"([{"op":"replace","path":"/{id:at-1}/outcome","value":"succeeded"}])");
    QTest::newRow("keyed: escaped ids")
        << QByteArray(R"({"t":[{"id":"a/b","s":1},{"id":"m~n","s":1}]})")
        << QByteArray(R"({"t":[{"id":"a/b","s":2},{"id":"m~n","s":3}]})")
        << QByteArray(R"([{"op":"replace","path":"/t/{id:a~1b}/s","value":2},
                          {"op":"replace","path":"/t/{id:m~0n}/s","value":3}])");
    QTest::newRow("keyed: nested keyed arrays")
        << QByteArray(R"({"checklist":[{"id":"C-1","runs":[{"id":"r1","status":"running"}]}]})")
        << QByteArray(R"({"checklist":[{"id":"C-1","runs":[{"id":"r1","status":"passed"},
                                                          {"id":"r2","status":"running"}]}]})")
        << QByteArray(R"([{"op":"replace","path":"/checklist/{id:C-1}/runs/{id:r1}/status",
                           "value":"passed"},
                          {"op":"add","path":"/checklist/{id:C-1}/runs/-",
                           "value":{"id":"r2","status":"running"}}])");
    QTest::newRow("keyed: whole element member removed and added")
        << QByteArray(R"([{"id":"T-1","claimLeaseUntil":"2026"}])")
        << QByteArray(R"([{"id":"T-1","claimLeaseUntil":null,"notes":"n"}])")
        << QByteArray(R"([{"op":"replace","path":"/{id:T-1}/claimLeaseUntil","value":null},
                          {"op":"add","path":"/{id:T-1}/notes","value":"n"}])");

    // Arrays that are not keyed, or whose keyed elements were reordered.
    QTest::newRow("reordered keyed array is positional")
        << QByteArray(R"([{"id":"a"},{"id":"b"}])") << QByteArray(R"([{"id":"b"},{"id":"a"}])")
        << QByteArray(R"([{"op":"replace","path":"/0/id","value":"b"},
                          {"op":"replace","path":"/1/id","value":"a"}])");
    QTest::newRow("duplicate ids are positional")
        << QByteArray(R"([{"id":"a","v":1},{"id":"a","v":2}])")
        << QByteArray(R"([{"id":"a","v":1},{"id":"a","v":3}])")
        << QByteArray(R"([{"op":"replace","path":"/1/v","value":3}])");
    QTest::newRow("one element without id is positional")
        << QByteArray(R"([{"id":"a"},{"v":1}])") << QByteArray(R"([{"id":"a"},{"v":2}])")
        << QByteArray(R"([{"op":"replace","path":"/1/v","value":2}])");
    QTest::newRow("numeric id is positional")
        << QByteArray(R"([{"id":1,"v":1}])") << QByteArray(R"([{"id":1,"v":2}])")
        << QByteArray(R"([{"op":"replace","path":"/0/v","value":2}])");
    QTest::newRow("id with a brace is positional")
        << QByteArray(R"([{"id":"a}b","v":1}])") << QByteArray(R"([{"id":"a}b","v":2}])")
        << QByteArray(R"([{"op":"replace","path":"/0/v","value":2}])");
    QTest::newRow("prefix and suffix kept")
        << QByteArray("[1,2,3,4]") << QByteArray("[1,5,4]")
        << QByteArray(R"([{"op":"replace","path":"/1","value":5},{"op":"remove","path":"/2"}])");
    QTest::newRow("insert in the middle")
        << QByteArray("[1,4]") << QByteArray("[1,2,3,4]")
        << QByteArray(R"([{"op":"add","path":"/1","value":2},{"op":"add","path":"/2","value":3}])");
    QTest::newRow("append") << QByteArray(R"(["a"])") << QByteArray(R"(["a","b"])")
                            << QByteArray(R"([{"op":"add","path":"/1","value":"b"}])");
    QTest::newRow("emptied") << QByteArray("[1,2,3]") << QByteArray("[]")
                             << QByteArray(
                                    R"([{"op":"remove","path":"/2"},{"op":"remove","path":"/1"},
                          {"op":"remove","path":"/0"}])");
    QTest::newRow("nested arrays") << QByteArray("[[1,2],[3]]") << QByteArray("[[1,2,9],[3]]")
                                   << QByteArray(R"([{"op":"add","path":"/0/2","value":9}])");
    QTest::newRow("nested array type change")
        << QByteArray(R"({"m":[[1],{"a":1},"s"]})") << QByteArray(R"({"m":[{"0":1},[1],"s"]})")
        << QByteArray(R"([{"op":"replace","path":"/m/0","value":{"0":1}},
                          {"op":"replace","path":"/m/1","value":[1]}])");
    QTest::newRow("equal tails with float")
        << QByteArray("[0,1,2.0]") << QByteArray("[7,1,2]")
        << QByteArray(R"([{"op":"replace","path":"/0","value":7}])");
}

void tst_JsonDiff::handCases()
{
    QFETCH(QByteArray, from);
    QFETCH(QByteArray, to);
    QFETCH(QByteArray, ops);
    const Json source = parsed(from);
    const Json target = parsed(to);
    const Result<JsonPatch> expected = JsonPatch::fromJson(parsed(ops));
    if (!expected.isOk())
        QFAIL(qPrintable(expected.error().message));

    const JsonPatch patch = jsonDiff(source, target);
    QCOMPARE(shown(patch.toJson()), shown(expected->toJson()));

    const Result<Json> applied = patch.apply(source);
    if (!applied.isOk())
        QFAIL(qPrintable(applied.error().message));
    if (!jsonEqual(applied.value(), target))
        QFAIL(qPrintable(shown(applied.value())));
}

void tst_JsonDiff::oneTaskFieldIsOneOperation()
{
    const Json before = manifest(1000);
    Json after = before;
    after["tasks"][999]["status"] = "done";

    const JsonPatch patch = jsonDiff(before, after);
    QCOMPARE(patch.operations().size(), std::size_t(1));
    QCOMPARE(shown(patch.toJson()),
             shown(parsed(R"([{"op":"replace","path":"/tasks/{id:T-1000}/status",
                               "value":"done"}])")));

    // The same edit while another writer reordered nothing but added an agent elsewhere.
    after["agents"].push_back(Json::object({{"sessionId", "S-worker-2"}, {"status", "pending"}}));
    QCOMPARE(jsonDiff(before, after).operations().size(), std::size_t(2));
}

void tst_JsonDiff::largeKeyedArrayEdits()
{
    const Json before = manifest(1000);
    Json after = before;
    Json &tasks = after["tasks"];
    tasks.erase(tasks.begin() + 10);                                    // T-11 goes
    tasks.insert(tasks.begin() + 500, Json::object({{"id", "T-new"}})); // lands at index 500
    tasks[700]["title"] = "Renamed"; // T-701 after the two edits above
    tasks.push_back(Json::object({{"id", "T-last"}}));

    const JsonPatch patch = jsonDiff(before, after);
    QCOMPARE(shown(patch.toJson()), shown(parsed(R"([{"op":"remove","path":"/tasks/{id:T-11}"},
                              {"op":"replace","path":"/tasks/{id:T-701}/title","value":"Renamed"},
                              {"op":"add","path":"/tasks/500","value":{"id":"T-new"}},
                              {"op":"add","path":"/tasks/-","value":{"id":"T-last"}}])")));
    const Result<Json> applied = patch.apply(before);
    QVERIFY(applied.isOk());
    QVERIFY(jsonEqual(applied.value(), after));
}

void tst_JsonDiff::elementKeyToken_data()
{
    QTest::addColumn<QByteArray>("element");
    QTest::addColumn<QString>("token");
    QTest::newRow("id first") << QByteArray(R"({"sessionId":"S","id":"T-1"})")
                              << QStringLiteral("{id:T-1}");
    QTest::newRow("sessionId") << QByteArray(R"({"sessionId":"S-1"})")
                               << QStringLiteral("{sessionId:S-1}");
    QTest::newRow("numeric id") << QByteArray(R"({"id":3,"sessionId":"S-1"})")
                                << QStringLiteral("{sessionId:S-1}");
    QTest::newRow("escapes kept raw")
        << QByteArray(R"({"id":"a/b~c"})") << QStringLiteral("{id:a/b~c}");
    QTest::newRow("empty id") << QByteArray(R"({"id":"","x":1})") << QString();
    QTest::newRow("brace in id") << QByteArray(R"({"id":"a}"})") << QString();
    QTest::newRow("not an object") << QByteArray(R"(["id"])") << QString();
}

void tst_JsonDiff::elementKeyToken()
{
    QFETCH(QByteArray, element);
    QFETCH(QString, token);
    QCOMPARE(QString::fromStdString(jsonElementKeyToken(parsed(element))), token);
}

void tst_JsonDiff::keyIndexFindsEveryKeyOrRefusesTheArray()
{
    // The index jsonDiff and the policy judge keyed arrays by: every key at its position, in
    // the array's order, and a refusal for any array one of whose elements cannot be named.
    KeyIndex index;
    const Json tasks = manifest(300)["tasks"];
    QVERIFY(index.build(tasks, "id"));
    QCOMPARE(index.keys().size(), tasks.size());
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        const std::string &id = tasks[i]["id"].get_ref<const std::string &>();
        QCOMPARE(index.keys()[i], std::string_view(id));
        QCOMPARE(index.find(id), i);
    }
    QCOMPARE(index.find("T-0"), KeyIndex::kAbsent);
    QVERIFY(!index.contains("T-1000"));
    QVERIFY(!index.build(tasks, "sessionId")); // no task has one
    QVERIFY(index.keys().empty());

    const auto refused = [&index](const char *text) {
        return !index.build(parsed(text), "id") && index.keys().empty()
               && index.find("a") == KeyIndex::kAbsent;
    };
    QVERIFY(refused(R"([{"id":"a"},{"id":"b"},{"id":"a"}])")); // a key repeats
    QVERIFY(refused(R"([{"id":"a"},{"title":"no id"}])"));
    QVERIFY(refused(R"([{"id":"a"},{"id":""}])"));
    QVERIFY(refused(R"([{"id":"a"},{"id":"x}y"}])")); // cannot stand inside {id:...}
    QVERIFY(refused(R"([{"id":"a"},{"id":7}])"));
    QVERIFY(refused(R"([{"id":"a"},"a"])"));
    QVERIFY(index.build(Json::array(), "id"));
    QVERIFY(index.keys().empty());
}

void tst_JsonDiff::randomPairs()
{
    // Fixed seeds: a failure names its case, and RandomDocs(kSeed + index) replays it.
    constexpr std::uint32_t kSeed = 20261124;
    constexpr int kCases = 10000;
    for (int index = 0; index < kCases; ++index) {
        const std::uint32_t seed = kSeed + std::uint32_t(index);
        RandomDocs random(seed);
        const Json a = random.value(4);
        Json b = a;
        random.mutate(b);

        const auto fail = [&](const char *what, const JsonPatch &patch) {
            return QStringLiteral("%1 (case %2, seed %3)\n a: %4\n b: %5\n patch: %6")
                .arg(QString::fromLatin1(what), QString::number(index), QString::number(seed),
                     shown(a), shown(b), shown(patch.toJson()));
        };

        // Messages are only built on failure: QVERIFY2 would format two documents per case.
        const JsonPatch same = jsonDiff(a, Json(a));
        if (!same.isEmpty())
            QFAIL(qPrintable(fail("diff(a, a) is not empty", same)));

        for (const bool forward : {true, false}) {
            const Json &from = forward ? a : b;
            const Json &to = forward ? b : a;
            const JsonPatch patch = jsonDiff(from, to);
            const Result<Json> applied = patch.apply(from);
            if (!applied.isOk()) {
                QFAIL(qPrintable(
                    fail(forward ? "diff(a, b) does not apply" : "diff(b, a) does not apply", patch)
                    + QStringLiteral("\n error: ") + applied.error().message));
            }
            if (!jsonEqual(applied.value(), to)) {
                QFAIL(qPrintable(
                    fail(forward ? "apply(a, diff(a, b)) != b" : "apply(b, diff(b, a)) != a", patch)
                    + QStringLiteral("\n got: ") + shown(applied.value())));
            }
        }
    }
}

QTEST_APPLESS_MAIN(tst_JsonDiff)
#include "tst_jsondiff.moc"
