// SPDX-License-Identifier: MIT
// jsonRebase: does "mine" still apply to "theirs", and which places did both sides change?
// Every case starts from one small manifest; theirs is made by applying a patch to it, and
// jsonRebase sees only the resulting document (it diffs base and theirs itself). A seeded
// property test then checks the promise behind isClean(): a clean rebase loses nothing, i.e.
// equals the three-way merge of base, mine and theirs.

#include "jsondiff.h"
#include "jsonpatch.h"

#include <QStringList>
#include <QTest>

#include <algorithm>
#include <optional>
#include <random>
#include <string>

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

Json baseManifest()
{
    return parsed(R"({
        "version": 1,
        "runId": "R-1",
        "agents": [
            {"sessionId": "S-lead", "role": "lead", "status": "running"},
            {"sessionId": "S-w", "role": "worker", "status": "running"}
        ],
        "tasks": [
            {"id": "T-1", "title": "One", "status": "pending",
             "validationGate": {"required": true, "stepIds": ["V-1"]}},
            {"id": "T-2", "title": "Two", "status": "pending",
             "validationGate": {"required": true, "stepIds": []}},
            {"id": "T-3", "title": "Three", "status": "pending",
             "validationGate": {"required": false, "stepIds": []}}
        ],
        "filesHint": ["a", "b", "c"],
        "leadState": {"lastSnapshotEtag": "g1-00000000", "planApprovedAt": null}
    })");
}

JsonPatch patchOf(const QByteArray &ops)
{
    const Result<JsonPatch> patch = JsonPatch::fromJson(parsed(ops));
    if (!patch.isOk())
        qFatal("bad patch in test table: %s", qPrintable(patch.error().message));
    return patch.value();
}

QStringList listOf(const std::vector<std::string> &pointers)
{
    QStringList out;
    for (const std::string &pointer : pointers)
        out << QString::fromStdString(pointer);
    return out;
}

bool isKeyedArray(const Json &value)
{
    return value.is_array() && std::all_of(value.begin(), value.end(), [](const Json &element) {
               return element.is_object() && element.contains("id");
           });
}

const Json *elementWithId(const Json &array, const Json &id)
{
    for (const Json &element : array) {
        if (element.at("id") == id)
            return &element;
    }
    return nullptr;
}

// The reference merge: what a rebase that loses nothing must produce. Objects merge member by
// member, arrays of objects with ids element by element (order ignored; see sortedById),
// same-length plain arrays position by position; a value changed by one side takes that side's
// value, one changed identically by both is kept. Anything else (both changed it differently,
// one removed what the other changed, both added the same id) is a conflict: nullopt.
std::optional<Json> merged(const Json *base, const Json *mine, const Json *theirs);

std::optional<Json> mergedMembers(const Json &base, const Json &mine, const Json &theirs)
{
    Json out = Json::object();
    const auto find = [](const Json &object, const std::string &key) -> const Json * {
        const auto found = object.find(key);
        return found == object.end() ? nullptr : &*found;
    };
    std::vector<std::string> keys;
    for (const Json *side : {&theirs, &mine, &base}) {
        for (auto it = side->begin(); it != side->end(); ++it) {
            if (std::find(keys.begin(), keys.end(), it.key()) == keys.end())
                keys.push_back(it.key());
        }
    }
    for (const std::string &key : keys) {
        const std::optional<Json> value
            = merged(find(base, key), find(mine, key), find(theirs, key));
        if (!value)
            return std::nullopt;
        if (!value->is_discarded())
            out[key] = *value;
    }
    return out;
}

std::optional<Json> mergedElements(const Json &base, const Json &mine, const Json &theirs)
{
    Json out = Json::array();
    std::vector<Json> ids;
    for (const Json *side : {&theirs, &mine, &base}) {
        for (const Json &element : *side) {
            if (std::find(ids.begin(), ids.end(), element.at("id")) == ids.end())
                ids.push_back(element.at("id"));
        }
    }
    for (const Json &id : ids) {
        const Json *inBase = elementWithId(base, id);
        const Json *inMine = elementWithId(mine, id);
        const Json *inTheirs = elementWithId(theirs, id);
        if (!inBase && inMine && inTheirs)
            return std::nullopt; // both added it: the result would hold it twice
        const std::optional<Json> value = merged(inBase, inMine, inTheirs);
        if (!value)
            return std::nullopt;
        if (!value->is_discarded())
            out.push_back(*value);
    }
    return out;
}

std::optional<Json> merged(const Json *base, const Json *mine, const Json *theirs)
{
    const Json absent(Json::value_t::discarded);
    const auto same = [](const Json *a, const Json *b) {
        return a == nullptr ? b == nullptr : b != nullptr && jsonEqual(*a, *b);
    };
    const auto value = [&absent](const Json *a) {
        return a ? *a : absent;
    };
    if (same(mine, base))
        return value(theirs);
    if (same(theirs, base) || same(mine, theirs))
        return value(mine);
    if (!base || !mine || !theirs)
        return std::nullopt;
    if (base->is_object() && mine->is_object() && theirs->is_object())
        return mergedMembers(*base, *mine, *theirs);
    if (isKeyedArray(*base) && isKeyedArray(*mine) && isKeyedArray(*theirs))
        return mergedElements(*base, *mine, *theirs);
    if (base->is_array() && mine->is_array() && theirs->is_array() && base->size() == mine->size()
        && base->size() == theirs->size()) {
        Json out = Json::array();
        for (std::size_t i = 0; i < base->size(); ++i) {
            const std::optional<Json> element = merged(&(*base)[i], &(*mine)[i], &(*theirs)[i]);
            if (!element)
                return std::nullopt;
            out.push_back(*element);
        }
        return out;
    }
    return std::nullopt;
}

// Task order is not part of the promise (an insertion by index lands relative to theirs).
Json sortedById(Json doc)
{
    std::sort(doc["tasks"].begin(), doc["tasks"].end(),
              [](const Json &a, const Json &b) { return a.at("id") < b.at("id"); });
    return doc;
}

// Random edits of a small manifest, each made valid against the document as the edits before
// it left it, addressed by predicate or by index as people and agents write them.
class RandomEdits
{
public:
    RandomEdits(std::uint32_t seed, std::string ownPrefix)
        : m_rng(seed), m_ownPrefix(std::move(ownPrefix))
    {}

    JsonPatch make(Json doc)
    {
        std::vector<Json> ops;
        const int count = 1 + below(3);
        for (int i = 0; i < count; ++i) {
            const Json op = next(doc);
            const Result<JsonPatch> one = JsonPatch::fromJson(Json::array({op}));
            if (!one.isOk() || !one->applyInPlace(doc).isOk())
                qFatal("generated an invalid op: %s", op.dump().c_str());
            ops.push_back(op);
        }
        return JsonPatch::fromJson(Json(ops)).value();
    }

private:
    int below(int bound) { return std::uniform_int_distribution<int>(0, bound - 1)(m_rng); }

    std::string taskToken(const Json &tasks, std::size_t index)
    {
        return below(10) < 7 ? "{id:" + tasks[index].at("id").get<std::string>() + "}"
                             : std::to_string(index);
    }

    Json newTask(const Json &tasks)
    {
        // Shared names make both sides add the same id now and then.
        std::string id = "T-" + std::string(1, char('a' + below(3)));
        if (below(2) == 0 || elementWithId(tasks, id))
            id = m_ownPrefix + std::to_string(++m_counter);
        return {{"id", id},
                {"title", "new"},
                {"status", "pending"},
                {"filesHint", {"x", "y"}},
                {"validationGate", {{"required", true}}}};
    }

    Json next(const Json &doc)
    {
        static const char *const kStatuses[] = {"pending", "claimed", "done", "failed"};
        static const char *const kFiles[] = {"a.cpp", "b.cpp", "c.cpp"};
        const Json &tasks = doc.at("tasks");
        const int kind = tasks.empty() ? 4 : below(9);
        const std::size_t i = tasks.empty() ? 0 : std::size_t(below(int(tasks.size())));
        const std::string at = tasks.empty() ? std::string() : "/tasks/" + taskToken(tasks, i);
        switch (kind) {
        case 0:
        case 1:
            return {{"op", "replace"}, {"path", at + "/status"}, {"value", kStatuses[below(4)]}};
        case 2:
            return {{"op", "replace"},
                    {"path", at + "/validationGate/required"},
                    {"value", below(2) == 0}};
        case 3:
            return {{"op", "replace"},
                    {"path", at + "/filesHint/" + std::to_string(below(2))},
                    {"value", kFiles[below(3)]}};
        case 4:
            return {{"op", "add"}, {"path", "/tasks/-"}, {"value", newTask(tasks)}};
        case 5:
            return {
                {"op", "add"}, {"path", "/tasks/" + std::to_string(i)}, {"value", newTask(tasks)}};
        case 6:
            return {{"op", "remove"}, {"path", at}};
        case 7: {
            Json task = tasks[i];
            task["title"] = "rewritten";
            return {{"op", "replace"}, {"path", at}, {"value", task}};
        }
        default:
            return {{"op", "replace"},
                    {"path", "/leadState/lastSnapshotEtag"},
                    {"value", "g" + std::to_string(below(3))}};
        }
    }

    std::mt19937 m_rng;
    std::string m_ownPrefix;
    int m_counter = 0;
};

} // namespace

class tst_JsonRebase : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cases_data();
    void cases();
    void theirsUnchanged();
    void failingOperationIsNamed();
    void largeManifest();
    void cleanRebaseLosesNothing();
};

void tst_JsonRebase::cases_data()
{
    QTest::addColumn<QByteArray>("mine");
    QTest::addColumn<QByteArray>("theirs"); // a patch that turns the base into theirs
    QTest::addColumn<QStringList>("bothChanged");
    QTest::addColumn<bool>("applies");

    const QByteArray t1Done(R"([{"op":"replace","path":"/tasks/{id:T-1}/status","value":"done"}])");

    QTest::newRow("identical edits") << t1Done << t1Done << QStringList() << true;
    QTest::newRow("identical edits, index and predicate")
        << QByteArray(R"([{"op":"replace","path":"/tasks/0/status","value":"done"}])") << t1Done
        << QStringList() << true;
    QTest::newRow("disjoint edits")
        << t1Done << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-2}/title","value":"2"}])")
        << QStringList() << true;
    QTest::newRow("same field")
        << t1Done
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-1}/status","value":"failed"}])")
        << QStringList{QStringLiteral("/tasks/{id:T-1}/status")} << true;
    QTest::newRow("same new member, different values")
        << QByteArray(R"([{"op":"add","path":"/leadState/note","value":"mine"}])")
        << QByteArray(R"([{"op":"add","path":"/leadState/note","value":"theirs"}])")
        << QStringList{QStringLiteral("/leadState/note")} << true;
    QTest::newRow("mine replaces the parent")
        << QByteArray(R"([{"op":"replace","path":"/leadState","value":{"lastSnapshotEtag":"x"}}])")
        << QByteArray(R"([{"op":"replace","path":"/leadState/lastSnapshotEtag","value":"g2"}])")
        << QStringList{QStringLiteral("/leadState/lastSnapshotEtag")} << true;
    QTest::newRow("mine replaces the parent with theirs' value")
        << QByteArray(R"([{"op":"replace","path":"/leadState",
                          "value":{"lastSnapshotEtag":"g2","planApprovedAt":null}}])")
        << QByteArray(R"([{"op":"replace","path":"/leadState/lastSnapshotEtag","value":"g2"}])")
        << QStringList() << true;
    QTest::newRow("theirs replaced the parent")
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-1}/validationGate/required",
                          "value":false}])")
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-1}/validationGate",
                          "value":"none"}])")
        << QStringList{QStringLiteral("/tasks/{id:T-1}/validationGate/required")} << false;
    QTest::newRow("test no longer holds")
        << QByteArray(R"([{"op":"test","path":"/tasks/{id:T-1}/status","value":"pending"},
                          {"op":"replace","path":"/tasks/{id:T-1}/status","value":"done"}])")
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-1}/status","value":"claimed"}])")
        << QStringList{QStringLiteral("/tasks/{id:T-1}/status")} << false;
    QTest::newRow("test of a value nobody else changed")
        << QByteArray(R"([{"op":"test","path":"/tasks/{id:T-1}/status","value":"pending"},
                          {"op":"replace","path":"/tasks/{id:T-1}/status","value":"done"}])")
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-1}/title","value":"1"}])")
        << QStringList() << true;
    QTest::newRow("target removed by theirs")
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-2}/status","value":"done"}])")
        << QByteArray(R"([{"op":"remove","path":"/tasks/{id:T-2}"}])")
        << QStringList{QStringLiteral("/tasks/{id:T-2}/status")} << false;
    QTest::newRow("index against predicate")
        << QByteArray(R"([{"op":"replace","path":"/tasks/0/status","value":"done"}])")
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-1}/status","value":"failed"}])")
        << QStringList{QStringLiteral("/tasks/{id:T-1}/status")} << true;
    QTest::newRow("index against predicate, sessionId")
        << QByteArray(R"([{"op":"replace","path":"/agents/1/status","value":"blocked"}])")
        << QByteArray(R"([{"op":"replace","path":"/agents/{sessionId:S-w}/status",
                          "value":"completed"}])")
        << QStringList{QStringLiteral("/agents/{sessionId:S-w}/status")} << true;
    QTest::newRow("index moved by theirs' insertion")
        << QByteArray(R"([{"op":"replace","path":"/tasks/1/status","value":"done"}])")
        << QByteArray(R"([{"op":"add","path":"/tasks/0","value":{"id":"T-0","title":"Zero"}}])")
        << QStringList{QStringLiteral("/tasks/{id:T-2}/status")} << true;
    QTest::newRow("index not moved by theirs' append")
        << QByteArray(R"([{"op":"replace","path":"/tasks/1/status","value":"done"}])")
        << QByteArray(R"([{"op":"add","path":"/tasks/-","value":{"id":"T-4","title":"Four"}}])")
        << QStringList() << true;
    QTest::newRow("positional array: index moved by theirs' removal")
        << QByteArray(R"([{"op":"replace","path":"/filesHint/1","value":"B"}])")
        << QByteArray(R"([{"op":"remove","path":"/filesHint/0"}])")
        << QStringList{QStringLiteral("/filesHint/1")} << true;
    QTest::newRow("positional array: earlier index untouched")
        << QByteArray(R"([{"op":"replace","path":"/filesHint/0","value":"A"}])")
        << QByteArray(R"([{"op":"remove","path":"/filesHint/2"}])") << QStringList() << true;
    QTest::newRow("both append tasks")
        << QByteArray(R"([{"op":"add","path":"/tasks/-","value":{"id":"T-8"}}])")
        << QByteArray(R"([{"op":"add","path":"/tasks/-","value":{"id":"T-9"}}])") << QStringList()
        << true;
    QTest::newRow("both append the same id")
        << QByteArray(R"([{"op":"add","path":"/tasks/-","value":{"id":"T-9"}}])")
        << QByteArray(R"([{"op":"add","path":"/tasks/-","value":{"id":"T-9"}}])")
        << QStringList{QStringLiteral("/tasks/{id:T-9}")} << true;
    QTest::newRow("both add the same id, mine by predicate")
        << QByteArray(R"([{"op":"add","path":"/tasks/{id:T-9}","value":{"id":"T-9"}}])")
        << QByteArray(R"([{"op":"add","path":"/tasks/-","value":{"id":"T-9"}}])")
        << QStringList{QStringLiteral("/tasks/{id:T-9}")} << false;
    QTest::newRow("both insert in the middle")
        << QByteArray(R"([{"op":"add","path":"/tasks/1","value":{"id":"T-8"}}])")
        << QByteArray(R"([{"op":"add","path":"/tasks/2","value":{"id":"T-9"}}])")
        << QStringList{QStringLiteral("/tasks")} << true;
    QTest::newRow("mine appends, theirs edits inside the array")
        << QByteArray(R"([{"op":"add","path":"/tasks/-","value":{"id":"T-8"}}])")
        << QByteArray(R"([{"op":"remove","path":"/tasks/{id:T-1}"},
                          {"op":"replace","path":"/tasks/{id:T-2}/status","value":"done"}])")
        << QStringList() << true;
    QTest::newRow("mine appends to an array theirs replaced")
        << QByteArray(R"([{"op":"add","path":"/filesHint/-","value":"d"}])")
        << QByteArray(R"([{"op":"replace","path":"/filesHint","value":"none"}])")
        << QStringList{QStringLiteral("/filesHint")} << false;
    QTest::newRow("mine replaces an array theirs appended to")
        << QByteArray(R"([{"op":"replace","path":"/tasks","value":[]}])")
        << QByteArray(R"([{"op":"add","path":"/tasks/-","value":{"id":"T-9"}}])")
        << QStringList{QStringLiteral("/tasks")} << true;
    QTest::newRow("move reads its source")
        << QByteArray(R"([{"op":"move","from":"/tasks/0/title","path":"/tasks/0/label"}])")
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-1}/title","value":"Uno"}])")
        << QStringList{QStringLiteral("/tasks/{id:T-1}/title")} << true;
    QTest::newRow("mine edits a task it appended")
        << QByteArray(R"([{"op":"add","path":"/tasks/-","value":{"id":"T-8","status":"pending"}},
                          {"op":"replace","path":"/tasks/3/status","value":"done"}])")
        << QByteArray(R"([{"op":"add","path":"/tasks/-","value":{"id":"T-9","status":"new"}}])")
        << QStringList{QStringLiteral("/tasks/{id:T-8}/status")} << true;
    QTest::newRow("mine's later index follows its own insertion")
        << QByteArray(R"([{"op":"add","path":"/tasks/0","value":{"id":"T-0"}},
                          {"op":"replace","path":"/tasks/1/status","value":"done"}])")
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-1}/status","value":"failed"}])")
        << QStringList{QStringLiteral("/tasks/{id:T-1}/status")} << true;
    QTest::newRow("whole document")
        << QByteArray(R"([{"op":"replace","path":"","value":{"version":1}}])")
        << QByteArray(R"([{"op":"replace","path":"/runId","value":"R-2"}])")
        << QStringList{QStringLiteral("/runId")} << true;
}

void tst_JsonRebase::cases()
{
    QFETCH(QByteArray, mine);
    QFETCH(QByteArray, theirs);
    QFETCH(QStringList, bothChanged);
    QFETCH(bool, applies);

    const Json base = baseManifest();
    const JsonPatch minePatch = patchOf(mine);
    QVERIFY2(minePatch.apply(base).isOk(), "mine must apply to the base");
    const Result<Json> theirsDoc = patchOf(theirs).apply(base);
    if (!theirsDoc.isOk())
        QFAIL(qPrintable(theirsDoc.error().message));

    const RebaseResult result = jsonRebase(base, minePatch, theirsDoc.value());
    QCOMPARE(listOf(result.bothChanged), bothChanged);
    QCOMPARE(result.rebased.isOk(), applies);
    QCOMPARE(result.isClean(), applies && bothChanged.isEmpty());
    if (applies) {
        const Result<Json> expected = minePatch.apply(theirsDoc.value());
        QVERIFY(expected.isOk());
        if (!jsonEqual(result.rebased.value(), expected.value()))
            QFAIL(qPrintable(shown(result.rebased.value())));
    } else {
        QCOMPARE(result.rebased.error().code, ErrorCode::InvalidPatch);
    }
}

void tst_JsonRebase::theirsUnchanged()
{
    const Json base = baseManifest();
    const JsonPatch mine = patchOf(R"([{"op":"remove","path":"/tasks/1"},
                                      {"op":"add","path":"/filesHint/0","value":"z"}])");
    const RebaseResult result = jsonRebase(base, mine, base);
    QVERIFY(result.isClean());
    QVERIFY(jsonEqual(result.rebased.value(), mine.apply(base).value()));
}

void tst_JsonRebase::failingOperationIsNamed()
{
    const Json base = baseManifest();
    const Result<Json> theirs
        = patchOf(R"([{"op":"replace","path":"/tasks/{id:T-3}/status","value":"done"}])")
              .apply(base);
    QVERIFY(theirs.isOk());
    const JsonPatch mine = patchOf(R"([{"op":"replace","path":"/tasks/{id:T-1}/title","value":"x"},
                    {"op":"test","path":"/tasks/{id:T-3}/status","value":"pending"}])");

    const RebaseResult result = jsonRebase(base, mine, theirs.value());
    QVERIFY(!result.rebased.isOk());
    QCOMPARE(result.rebased.error().details.value("opIndex", -1), 1);
    // A failed test changes nothing, so nothing was changed by both.
    QVERIFY(result.bothChanged.empty());
    QVERIFY(!result.isClean());
}

void tst_JsonRebase::largeManifest()
{
    Json base = baseManifest();
    Json &tasks = base["tasks"];
    for (int i = 4; i <= 2000; ++i) {
        tasks.push_back({{"id", "T-" + std::to_string(i)},
                         {"title", "Task"},
                         {"status", "pending"},
                         {"validationGate", {{"required", true}, {"stepIds", Json::array()}}}});
    }
    Json theirs = base;
    theirs["tasks"][1500]["status"] = "done";
    theirs["tasks"].push_back(Json::object({{"id", "T-new"}}));
    theirs["agents"][1]["status"] = "completed";

    const JsonPatch mine
        = patchOf(R"([{"op":"replace","path":"/tasks/{id:T-1501}/title","value":"Mine"},
                    {"op":"replace","path":"/tasks/1500/status","value":"failed"},
                    {"op":"add","path":"/tasks/-","value":{"id":"T-mine"}}])");
    const RebaseResult result = jsonRebase(base, mine, theirs);
    QVERIFY(result.rebased.isOk());
    QCOMPARE(listOf(result.bothChanged), QStringList{QStringLiteral("/tasks/{id:T-1501}/status")});
    QCOMPARE(result.rebased.value()["tasks"].size(), std::size_t(2002));
}

void tst_JsonRebase::cleanRebaseLosesNothing()
{
    constexpr std::uint32_t kSeed = 7091;
    constexpr int kCases = 2000;
    Json base = baseManifest();
    for (Json &task : base["tasks"])
        task["filesHint"] = {"f1", "f2"};
    for (int i = 4; i <= 6; ++i) {
        base["tasks"].push_back({{"id", "T-" + std::to_string(i)},
                                 {"title", "More"},
                                 {"status", "pending"},
                                 {"filesHint", {"f1", "f2"}},
                                 {"validationGate", {{"required", true}}}});
    }

    int clean = 0;
    for (int index = 0; index < kCases; ++index) {
        const std::uint32_t seed = kSeed + std::uint32_t(index);
        const JsonPatch mine = RandomEdits(seed, "M-").make(base);
        const Json theirs = RandomEdits(seed ^ 0x9e3779b9u, "O-").make(base).apply(base).value();
        const Json mineDoc = mine.apply(base).value();
        const RebaseResult result = jsonRebase(base, mine, theirs);

        const auto fail = [&](const char *what) {
            return QStringLiteral("%1 (case %2, seed %3)\n mine: %4\n theirs: %5\n listed: %6")
                .arg(QString::fromLatin1(what), QString::number(index), QString::number(seed),
                     shown(mine.toJson()), shown(theirs),
                     listOf(result.bothChanged).join(QLatin1Char(' ')));
        };
        if (result.rebased.isOk() != mine.apply(theirs).isOk())
            QFAIL(qPrintable(fail("rebased is not mine applied to theirs")));
        if (!std::is_sorted(result.bothChanged.begin(), result.bothChanged.end())
            || std::adjacent_find(result.bothChanged.begin(), result.bothChanged.end())
                   != result.bothChanged.end())
            QFAIL(qPrintable(fail("bothChanged is not sorted and unique")));
        if (!result.isClean())
            continue;

        ++clean;
        const std::optional<Json> expected = merged(&base, &mineDoc, &theirs);
        if (!expected)
            QFAIL(qPrintable(fail("clean, but the three-way merge has a conflict")));
        if (!jsonEqual(sortedById(result.rebased.value()), sortedById(*expected))) {
            QFAIL(qPrintable(fail("clean, but an edit was lost") + QStringLiteral("\n rebased: ")
                             + shown(result.rebased.value()) + QStringLiteral("\n merged: ")
                             + shown(*expected)));
        }
    }
    // The generator must keep producing both outcomes, or the property proves little.
    QVERIFY2(clean > kCases / 10 && clean < kCases * 9 / 10, qPrintable(QString::number(clean)));
}

QTEST_APPLESS_MAIN(tst_JsonRebase)
#include "tst_jsonrebase.moc"
