// SPDX-License-Identifier: MIT
// JsonPatch: every RFC 6902 operation, the RFC's Appendix A examples, ADE's predicate paths, the
// exact wording of every error class, and the all-or-nothing guarantee of apply() and
// applyInPlace().

#include "jsonpatch.h"

#include <QTest>

using namespace runboard;

namespace {

Json parseJson(const QByteArray &text)
{
    return Json::parse(text.toStdString());
}

QByteArray dumped(const Json &value)
{
    return QByteArray::fromStdString(value.dump());
}

JsonPatch patchFrom(const QByteArray &text)
{
    Result<JsonPatch> patch = JsonPatch::fromJson(parseJson(text));
    if (!patch.isOk())
        qFatal("bad patch in test table: %s", qPrintable(patch.error().message));
    return std::move(patch).value();
}

// A small manifest in ADE's shape, for the predicate rows.
const char kManifest[] = R"({
    "runId": "R-1",
    "status": "pending",
    "tasks": [
        {"id": "T-1", "status": "todo", "deps": []},
        {"id": "T-2", "status": "todo", "deps": ["T-1"]},
        {"id": "T-3", "status": "done", "deps": []}
    ],
    "agents": [
        {"sessionId": "S-1", "role": "lead"},
        {"sessionId": "S-2", "role": "worker"}
    ],
    "validationStrategy": {"checklist": [{"id": "C-1", "runs": []}]},
    "a": {"b": {}},
    "n": 1
})";

} // namespace

class tst_JsonPatch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void apply_data();
    void apply();
    void applyErrors_data();
    void applyErrors();
    void fromJsonErrors_data();
    void fromJsonErrors();
    void duplicateOpMember();
    void allOrNothing_data();
    void allOrNothing();
    void moveKeepsOtherMembersInPlace();
    void copyIsDeep();
    void testFailureTruncatesLongValues();
    void errorDetails();
    void toJsonIsCanonical();
    void kindNames();
    void emptyPatch();
};

void tst_JsonPatch::apply_data()
{
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<QByteArray>("patch");
    QTest::addColumn<QByteArray>("expected");

    // RFC 6902 Appendix A, the examples that succeed.
    QTest::newRow("A.1 add object member")
        << QByteArray(R"({"foo":"bar"})")
        << QByteArray(R"([{"op":"add","path":"/baz","value":"qux"}])")
        << QByteArray(R"({"baz":"qux","foo":"bar"})");
    QTest::newRow("A.2 add array element")
        << QByteArray(R"({"foo":["bar","baz"]})")
        << QByteArray(R"([{"op":"add","path":"/foo/1","value":"qux"}])")
        << QByteArray(R"({"foo":["bar","qux","baz"]})");
    QTest::newRow("A.3 remove object member")
        << QByteArray(R"({"baz":"qux","foo":"bar"})")
        << QByteArray(R"([{"op":"remove","path":"/baz"}])") << QByteArray(R"({"foo":"bar"})");
    QTest::newRow("A.4 remove array element") << QByteArray(R"({"foo":["bar","qux","baz"]})")
                                              << QByteArray(R"([{"op":"remove","path":"/foo/1"}])")
                                              << QByteArray(R"({"foo":["bar","baz"]})");
    QTest::newRow("A.5 replace a value")
        << QByteArray(R"({"baz":"qux","foo":"bar"})")
        << QByteArray(R"([{"op":"replace","path":"/baz","value":"boo"}])")
        << QByteArray(R"({"baz":"boo","foo":"bar"})");
    QTest::newRow("A.6 move a value")
        << QByteArray(R"({"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}})")
        << QByteArray(R"([{"op":"move","from":"/foo/waldo","path":"/qux/thud"}])")
        << QByteArray(R"({"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}})");
    QTest::newRow("A.7 move an array element")
        << QByteArray(R"({"foo":["all","grass","cows","eat"]})")
        << QByteArray(R"([{"op":"move","from":"/foo/1","path":"/foo/3"}])")
        << QByteArray(R"({"foo":["all","cows","eat","grass"]})");
    QTest::newRow("A.8 test a value, success")
        << QByteArray(R"({"baz":"qux","foo":["a",2,"c"]})")
        << QByteArray(R"([{"op":"test","path":"/baz","value":"qux"},
                          {"op":"test","path":"/foo/1","value":2}])")
        << QByteArray(R"({"baz":"qux","foo":["a",2,"c"]})");
    QTest::newRow("A.10 add a nested member object")
        << QByteArray(R"({"foo":"bar"})")
        << QByteArray(R"([{"op":"add","path":"/child","value":{"grandchild":{}}}])")
        << QByteArray(R"({"foo":"bar","child":{"grandchild":{}}})");
    QTest::newRow("A.11 ignore unrecognised elements")
        << QByteArray(R"({"foo":"bar"})")
        << QByteArray(R"([{"op":"add","path":"/baz","value":"qux","xyz":123}])")
        << QByteArray(R"({"foo":"bar","baz":"qux"})");
    QTest::newRow("A.14 ~ escape ordering")
        << QByteArray(R"({"/":9,"~1":10})")
        << QByteArray(R"([{"op":"test","path":"/~01","value":10}])")
        << QByteArray(R"({"/":9,"~1":10})");
    QTest::newRow("A.16 add an array value")
        << QByteArray(R"({"foo":["bar"]})")
        << QByteArray(R"([{"op":"add","path":"/foo/-","value":["abc","def"]}])")
        << QByteArray(R"({"foo":["bar",["abc","def"]]})");

    // add
    QTest::newRow("add replaces an existing member")
        << QByteArray(R"({"a":1,"b":2})") << QByteArray(R"([{"op":"add","path":"/a","value":[3]}])")
        << QByteArray(R"({"a":[3],"b":2})");
    QTest::newRow("add null is a value")
        << QByteArray(R"({})") << QByteArray(R"([{"op":"add","path":"/a","value":null}])")
        << QByteArray(R"({"a":null})");
    QTest::newRow("add member with empty name")
        << QByteArray(R"({})") << QByteArray(R"([{"op":"add","path":"/","value":1}])")
        << QByteArray(R"({"":1})");
    QTest::newRow("add at index 0")
        << QByteArray(R"([1,2])") << QByteArray(R"([{"op":"add","path":"/0","value":0}])")
        << QByteArray(R"([0,1,2])");
    QTest::newRow("add at index == size appends")
        << QByteArray(R"([1,2])") << QByteArray(R"([{"op":"add","path":"/2","value":3}])")
        << QByteArray(R"([1,2,3])");
    QTest::newRow("add to empty array with -")
        << QByteArray(R"({"l":[]})") << QByteArray(R"([{"op":"add","path":"/l/-","value":1}])")
        << QByteArray(R"({"l":[1]})");
    QTest::newRow("add at root replaces the document")
        << QByteArray(R"({"a":1})") << QByteArray(R"([{"op":"add","path":"","value":[1]}])")
        << QByteArray(R"([1])");
    QTest::newRow("predicate-looking name on an object is a member")
        << QByteArray(R"({})") << QByteArray(R"([{"op":"add","path":"/{id:x}","value":1}])")
        << QByteArray(R"({"{id:x}":1})");
    QTest::newRow("escaped member names")
        << QByteArray(R"({})") << QByteArray(R"([{"op":"add","path":"/a~1b","value":1},
                          {"op":"add","path":"/m~0n","value":2}])")
        << QByteArray(R"({"a/b":1,"m~n":2})");

    // remove
    QTest::newRow("remove last element")
        << QByteArray(R"([1,2,3])") << QByteArray(R"([{"op":"remove","path":"/2"}])")
        << QByteArray(R"([1,2])");
    QTest::newRow("remove nested member")
        << QByteArray(R"({"a":{"b":1,"c":2}})") << QByteArray(R"([{"op":"remove","path":"/a/b"}])")
        << QByteArray(R"({"a":{"c":2}})");

    // replace
    QTest::newRow("replace root") << QByteArray(R"({"a":1})")
                                  << QByteArray(R"([{"op":"replace","path":"","value":"x"}])")
                                  << QByteArray(R"("x")");
    QTest::newRow("replace array element")
        << QByteArray(R"([1,2,3])")
        << QByteArray(R"([{"op":"replace","path":"/1","value":{"k":0}}])")
        << QByteArray(R"([1,{"k":0},3])");
    QTest::newRow("replace with null")
        << QByteArray(R"({"a":1})") << QByteArray(R"([{"op":"replace","path":"/a","value":null}])")
        << QByteArray(R"({"a":null})");

    // move
    QTest::newRow("move to itself is a no-op")
        << QByteArray(R"({"a":{"b":1}})")
        << QByteArray(R"([{"op":"move","from":"/a","path":"/a"}])")
        << QByteArray(R"({"a":{"b":1}})");
    QTest::newRow("move onto an existing member replaces it")
        << QByteArray(R"({"a":1,"b":2})")
        << QByteArray(R"([{"op":"move","from":"/a","path":"/b"}])") << QByteArray(R"({"b":1})");
    QTest::newRow("move array element forwards")
        << QByteArray(R"([0,1,2,3])") << QByteArray(R"([{"op":"move","from":"/0","path":"/-"}])")
        << QByteArray(R"([1,2,3,0])");
    QTest::newRow("move array element backwards")
        << QByteArray(R"([0,1,2,3])") << QByteArray(R"([{"op":"move","from":"/3","path":"/0"}])")
        << QByteArray(R"([3,0,1,2])");
    QTest::newRow("move up to the parent's sibling")
        << QByteArray(R"({"a":{"b":{"c":1}}})")
        << QByteArray(R"([{"op":"move","from":"/a/b/c","path":"/c"}])")
        << QByteArray(R"({"a":{"b":{}},"c":1})");
    QTest::newRow("move a member to the root")
        << QByteArray(R"({"a":{"k":1},"z":0})")
        << QByteArray(R"([{"op":"move","from":"/a","path":""}])") << QByteArray(R"({"k":1})");
    QTest::newRow("move between arrays")
        << QByteArray(R"({"x":[1,2],"y":[3]})")
        << QByteArray(R"([{"op":"move","from":"/x/0","path":"/y/1"}])")
        << QByteArray(R"({"x":[2],"y":[3,1]})");

    // copy
    QTest::newRow("copy member") << QByteArray(R"({"a":{"b":[1]}})")
                                 << QByteArray(R"([{"op":"copy","from":"/a","path":"/c"}])")
                                 << QByteArray(R"({"a":{"b":[1]},"c":{"b":[1]}})");
    QTest::newRow("copy into its own child")
        << QByteArray(R"({"a":{"x":1}})")
        << QByteArray(R"([{"op":"copy","from":"/a","path":"/a/y"}])")
        << QByteArray(R"({"a":{"x":1,"y":{"x":1}}})");
    QTest::newRow("copy array element to the end")
        << QByteArray(R"([1,2])") << QByteArray(R"([{"op":"copy","from":"/0","path":"/-"}])")
        << QByteArray(R"([1,2,1])");
    QTest::newRow("copy the root into a member")
        << QByteArray(R"({"a":1})") << QByteArray(R"([{"op":"copy","from":"","path":"/b"}])")
        << QByteArray(R"({"a":1,"b":{"a":1}})");

    // test
    QTest::newRow("test numbers by value")
        << QByteArray(R"({"n":1})") << QByteArray(R"([{"op":"test","path":"/n","value":1.0}])")
        << QByteArray(R"({"n":1})");
    QTest::newRow("test objects unordered")
        << QByteArray(R"({"o":{"a":1,"b":[true,null]}})")
        << QByteArray(R"([{"op":"test","path":"/o","value":{"b":[true,null],"a":1}}])")
        << QByteArray(R"({"o":{"a":1,"b":[true,null]}})");
    QTest::newRow("test null") << QByteArray(R"({"a":null})")
                               << QByteArray(R"([{"op":"test","path":"/a","value":null}])")
                               << QByteArray(R"({"a":null})");
    QTest::newRow("test the root")
        << QByteArray(R"([1])") << QByteArray(R"([{"op":"test","path":"","value":[1]}])")
        << QByteArray(R"([1])");
    QTest::newRow("test sees earlier operations")
        << QByteArray(R"({"a":1})") << QByteArray(R"([{"op":"replace","path":"/a","value":2},
                          {"op":"test","path":"/a","value":2}])")
        << QByteArray(R"({"a":2})");

    // ADE-style predicate patches on a small manifest.
    const QByteArray manifest(kManifest);
    Json expected = parseJson(manifest);
    expected["tasks"][0]["status"] = "done";
    QTest::newRow("ADE replace /tasks/{id:T-1}/status")
        << manifest
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-1}/status","value":"done"}])")
        << dumped(expected);

    expected = parseJson(manifest);
    expected["tasks"].push_back(parseJson(R"({"id":"T-9","status":"todo","deps":[]})"));
    QTest::newRow("ADE add /tasks/{id:T-9} appends")
        << manifest << QByteArray(R"([{"op":"add","path":"/tasks/{id:T-9}",
                           "value":{"id":"T-9","status":"todo","deps":[]}}])")
        << dumped(expected);

    expected = parseJson(manifest);
    expected["agents"].erase(std::size_t(1));
    QTest::newRow("ADE remove /agents/{sessionId:S-2}")
        << manifest << QByteArray(R"([{"op":"remove","path":"/agents/{sessionId:S-2}"}])")
        << dumped(expected);

    expected = parseJson(manifest);
    expected["validationStrategy"]["checklist"][0]["runs"].push_back("ok");
    QTest::newRow("ADE append through a predicate")
        << manifest
        << QByteArray(R"([{"op":"add","path":"/validationStrategy/checklist/{id:C-1}/runs/-",
                           "value":"ok"}])")
        << dumped(expected);

    expected = parseJson(manifest);
    expected["tasks"][1] = parseJson(R"({"id":"T-2","status":"blocked"})");
    QTest::newRow("ADE replace a whole element by predicate")
        << manifest << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-2}",
                           "value":{"id":"T-2","status":"blocked"}}])")
        << dumped(expected);

    expected = parseJson(manifest);
    expected["tasks"][2]["status"] = "todo";
    expected["tasks"][1]["deps"].push_back("T-3");
    expected["tasks"].erase(std::size_t(0));
    QTest::newRow("ADE transaction of several predicate ops")
        << manifest << QByteArray(R"([{"op":"test","path":"/tasks/{id:T-3}/status","value":"done"},
                          {"op":"replace","path":"/tasks/{id:T-3}/status","value":"todo"},
                          {"op":"add","path":"/tasks/{id:T-2}/deps/-","value":"T-3"},
                          {"op":"remove","path":"/tasks/{id:T-1}"}])")
        << dumped(expected);

    expected = parseJson(manifest);
    expected["tasks"][0]["id"] = "T-10";
    expected["tasks"][0]["status"] = "done";
    QTest::newRow("predicate re-evaluated after an earlier op renamed the element")
        << manifest << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-1}/id","value":"T-10"},
                          {"op":"replace","path":"/tasks/{id:T-10}/status","value":"done"}])")
        << dumped(expected);
}

void tst_JsonPatch::apply()
{
    QFETCH(QByteArray, document);
    QFETCH(QByteArray, patch);
    QFETCH(QByteArray, expected);
    const Json original = parseJson(document);
    const QByteArray originalText = dumped(original);
    const JsonPatch parsed = patchFrom(patch);

    const Result<Json> result = parsed.apply(original);
    QVERIFY2(result.isOk(), qPrintable(result.isOk() ? QString() : result.error().message));
    QVERIFY2(jsonEqual(result.value(), parseJson(expected)), result.value().dump().c_str());
    QCOMPARE(dumped(original), originalText);

    Json inPlace = original;
    const Result<void> inPlaceResult = parsed.applyInPlace(inPlace);
    QVERIFY(inPlaceResult.isOk());
    // Both paths produce the same bytes, member order included.
    QCOMPARE(dumped(inPlace), dumped(result.value()));
}

void tst_JsonPatch::applyErrors_data()
{
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<QByteArray>("patch");
    QTest::addColumn<int>("opIndex");
    QTest::addColumn<QString>("label"); // op and path as the message shows them
    QTest::addColumn<QString>("reason");

    // RFC 6902 Appendix A, the examples that fail.
    QTest::newRow("A.9 test a value, error")
        << QByteArray(R"({"baz":"qux","foo":["a",2,"c"]})")
        << QByteArray(R"([{"op":"test","path":"/baz","value":"bar"}])") << 0 << u"test /baz"_qs
        << u"test failed: /baz is \"qux\", expected \"bar\""_qs;
    QTest::newRow("A.12 add to a nonexistent target")
        << QByteArray(R"({"foo":"bar"})")
        << QByteArray(R"([{"op":"add","path":"/baz/bat","value":"qux"}])") << 0
        << u"add /baz/bat"_qs << u"member \"baz\" does not exist in the document"_qs;
    QTest::newRow("A.15 comparing strings and numbers")
        << QByteArray(R"({"/":9,"~1":10})")
        << QByteArray(R"([{"op":"test","path":"/~01","value":"10"}])") << 0 << u"test /~01"_qs
        << u"test failed: /~01 is 10, expected \"10\""_qs;

    const QByteArray manifest(kManifest);
    QTest::newRow("missing intermediate member")
        << manifest << QByteArray(R"([{"op":"add","path":"/a/c/d","value":1}])") << 0
        << u"add /a/c/d"_qs << u"member \"c\" does not exist in /a"_qs;
    QTest::newRow("remove a missing member")
        << manifest << QByteArray(R"([{"op":"remove","path":"/a/b/x"}])") << 0
        << u"remove /a/b/x"_qs << u"member \"x\" does not exist in /a/b"_qs;
    QTest::newRow("replace a missing member")
        << manifest << QByteArray(R"([{"op":"replace","path":"/nope","value":1}])") << 0
        << u"replace /nope"_qs << u"member \"nope\" does not exist in the document"_qs;
    QTest::newRow("predicate matching nothing")
        << manifest
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-9}/status","value":"done"}])") << 0
        << u"replace /tasks/{id:T-9}/status"_qs << u"no element of /tasks has id \"T-9\""_qs;
    QTest::newRow("replace an absent predicate element")
        << manifest << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-9}","value":{}}])") << 0
        << u"replace /tasks/{id:T-9}"_qs << u"no element of /tasks has id \"T-9\""_qs;
    QTest::newRow("remove an absent predicate element")
        << manifest << QByteArray(R"([{"op":"remove","path":"/agents/{sessionId:S-9}"}])") << 0
        << u"remove /agents/{sessionId:S-9}"_qs
        << u"no element of /agents has sessionId \"S-9\""_qs;
    QTest::newRow("add on a present predicate says use replace")
        << manifest << QByteArray(R"([{"op":"add","path":"/tasks/{id:T-1}","value":{"id":"T-1"}}])")
        << 0 << u"add /tasks/{id:T-1}"_qs
        << u"/tasks already has an element with id \"T-1\"; use replace to change it"_qs;
    QTest::newRow("replace index out of range")
        << manifest << QByteArray(R"([{"op":"replace","path":"/tasks/7","value":1}])") << 0
        << u"replace /tasks/7"_qs << u"index 7 is out of range for /tasks (size 3)"_qs;
    QTest::newRow("add index past size")
        << manifest << QByteArray(R"([{"op":"add","path":"/tasks/4","value":1}])") << 0
        << u"add /tasks/4"_qs << u"index 4 is out of range for /tasks (size 3)"_qs;
    QTest::newRow("remove index == size")
        << manifest << QByteArray(R"([{"op":"remove","path":"/tasks/3"}])") << 0
        << u"remove /tasks/3"_qs << u"index 3 is out of range for /tasks (size 3)"_qs;
    QTest::newRow("leading zero index")
        << manifest << QByteArray(R"([{"op":"replace","path":"/tasks/01","value":1}])") << 0
        << u"replace /tasks/01"_qs << u"\"01\" is not a valid array index"_qs;
    QTest::newRow("add with a word as index")
        << manifest << QByteArray(R"([{"op":"add","path":"/tasks/last","value":1}])") << 0
        << u"add /tasks/last"_qs << u"\"last\" is not a valid array index"_qs;
    QTest::newRow("malformed predicate")
        << manifest << QByteArray(R"([{"op":"remove","path":"/tasks/{id:}"}])") << 0
        << u"remove /tasks/{id:}"_qs
        << u"\"{id:}\" is neither a valid array index nor a {field:value} predicate"_qs;
    QTest::newRow("remove -")
        << manifest << QByteArray(R"([{"op":"remove","path":"/tasks/-"}])") << 0
        << u"remove /tasks/-"_qs
        << u"\"-\" names the position after the last element of /tasks, not an element"_qs;
    QTest::newRow("replace -")
        << manifest << QByteArray(R"([{"op":"replace","path":"/tasks/-","value":1}])") << 0
        << u"replace /tasks/-"_qs
        << u"\"-\" names the position after the last element of /tasks, not an element"_qs;
    QTest::newRow("add into a string")
        << manifest << QByteArray(R"([{"op":"add","path":"/status/x","value":1}])") << 0
        << u"add /status/x"_qs << u"/status is a string; cannot descend into it"_qs;
    QTest::newRow("add into a number")
        << manifest << QByteArray(R"([{"op":"add","path":"/n/0","value":1}])") << 0
        << u"add /n/0"_qs << u"/n is a number; cannot descend into it"_qs;
    QTest::newRow("descend through a string element")
        << QByteArray(R"({"tasks":["T-1"]})")
        << QByteArray(R"([{"op":"replace","path":"/tasks/0/status","value":1}])") << 0
        << u"replace /tasks/0/status"_qs << u"/tasks/0 is a string; cannot descend into it"_qs;
    QTest::newRow("remove the root")
        << manifest << QByteArray(R"([{"op":"remove","path":""}])") << 0 << u"remove \"\""_qs
        << u"cannot remove the whole document"_qs;
    QTest::newRow("move into its own child")
        << manifest << QByteArray(R"([{"op":"move","from":"/a","path":"/a/b/c"}])") << 0
        << u"move /a/b/c"_qs << u"cannot move /a into /a/b/c, which is inside it"_qs;
    QTest::newRow("move the root into a member")
        << manifest << QByteArray(R"([{"op":"move","from":"","path":"/x"}])") << 0 << u"move /x"_qs
        << u"cannot move the document into /x, which is inside it"_qs;
    QTest::newRow("move from a missing member")
        << manifest << QByteArray(R"([{"op":"move","from":"/nope","path":"/x"}])") << 0
        << u"move /x"_qs << u"from /nope: member \"nope\" does not exist in the document"_qs;
    QTest::newRow("move to itself still needs the source")
        << manifest << QByteArray(R"([{"op":"move","from":"/nope","path":"/nope"}])") << 0
        << u"move /nope"_qs << u"from /nope: member \"nope\" does not exist in the document"_qs;
    QTest::newRow("move whose target parent is missing")
        << manifest << QByteArray(R"([{"op":"move","from":"/n","path":"/x/y"}])") << 0
        << u"move /x/y"_qs << u"member \"x\" does not exist in the document"_qs;
    QTest::newRow("copy from an absent predicate")
        << manifest << QByteArray(R"([{"op":"copy","from":"/tasks/{id:T-9}","path":"/x"}])") << 0
        << u"copy /x"_qs << u"from /tasks/{id:T-9}: no element of /tasks has id \"T-9\""_qs;
    QTest::newRow("copy onto a present predicate")
        << manifest << QByteArray(R"([{"op":"copy","from":"/tasks/0","path":"/tasks/{id:T-2}"}])")
        << 0 << u"copy /tasks/{id:T-2}"_qs
        << u"/tasks already has an element with id \"T-2\"; use replace to change it"_qs;
    QTest::newRow("test a missing path")
        << manifest << QByteArray(R"([{"op":"test","path":"/tasks/{id:T-9}","value":null}])") << 0
        << u"test /tasks/{id:T-9}"_qs << u"no element of /tasks has id \"T-9\""_qs;
    QTest::newRow("test failure") << manifest
                                  << QByteArray(
                                         R"([{"op":"test","path":"/status","value":"done"}])")
                                  << 0 << u"test /status"_qs
                                  << u"test failed: /status is \"pending\", expected \"done\""_qs;
    QTest::newRow("test type mismatch")
        << manifest << QByteArray(R"([{"op":"test","path":"/n","value":true}])") << 0
        << u"test /n"_qs << u"test failed: /n is 1, expected true"_qs;
    QTest::newRow("test the root")
        << QByteArray(R"({"a":1})") << QByteArray(R"([{"op":"test","path":"","value":{}}])") << 0
        << u"test \"\""_qs << u"test failed: the document is {\"a\":1}, expected {}"_qs;
    QTest::newRow("second operation fails")
        << manifest << QByteArray(R"([{"op":"replace","path":"/status","value":"running"},
                          {"op":"replace","path":"/tasks/{id:T-9}/status","value":"done"}])")
        << 1 << u"replace /tasks/{id:T-9}/status"_qs << u"no element of /tasks has id \"T-9\""_qs;
    QTest::newRow("an earlier remove makes a later path fail")
        << manifest << QByteArray(R"([{"op":"remove","path":"/tasks/{id:T-1}"},
                          {"op":"replace","path":"/tasks/{id:T-1}/status","value":"done"}])")
        << 1 << u"replace /tasks/{id:T-1}/status"_qs << u"no element of /tasks has id \"T-1\""_qs;
}

void tst_JsonPatch::applyErrors()
{
    QFETCH(QByteArray, document);
    QFETCH(QByteArray, patch);
    QFETCH(int, opIndex);
    QFETCH(QString, label);
    QFETCH(QString, reason);
    const Json original = parseJson(document);
    const JsonPatch parsed = patchFrom(patch);
    const QString message
        = u"operation %1 (%2): %3"_qs.arg(QString::number(opIndex), label, reason);

    const Result<Json> result = parsed.apply(original);
    QVERIFY(!result.isOk());
    QCOMPARE(result.error().code, ErrorCode::InvalidPatch);
    QCOMPARE(result.error().message, message);
    const Json &details = result.error().details;
    QCOMPARE(details.at("opIndex").get<int>(), opIndex);
    QCOMPARE(QString::fromStdString(details.at("reason").get<std::string>()), reason);
    const JsonPatch::Operation &op = parsed.operations()[std::size_t(opIndex)];
    QCOMPARE(QString::fromStdString(details.at("op").get<std::string>()),
             QString::fromUtf8(JsonPatch::kindName(op.kind)));
    QCOMPARE(QString::fromStdString(details.at("path").get<std::string>()),
             QString::fromStdString(op.path.toString()));

    Json inPlace = original;
    const Result<void> inPlaceResult = parsed.applyInPlace(inPlace);
    QVERIFY(!inPlaceResult.isOk());
    QCOMPARE(inPlaceResult.error().message, message);
    QCOMPARE(dumped(inPlace), dumped(original));
}

void tst_JsonPatch::fromJsonErrors_data()
{
    QTest::addColumn<QByteArray>("patch");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("opIndex"); // -1: the document itself is wrong

    QTest::newRow("object instead of array")
        << QByteArray(R"({"op":"add","path":"/a","value":1})")
        << u"a JSON Patch must be an array of operations, not object"_qs << -1;
    QTest::newRow("null instead of array")
        << QByteArray("null") << u"a JSON Patch must be an array of operations, not null"_qs << -1;
    QTest::newRow("operation is a number")
        << QByteArray("[1]") << u"operation 0: must be a JSON object, not number"_qs << 0;
    QTest::newRow("operation is an array")
        << QByteArray(R"([["add"]])") << u"operation 0: must be a JSON object, not array"_qs << 0;
    QTest::newRow("op missing") << QByteArray(R"([{"path":"/a","value":1}])")
                                << u"operation 0: member \"op\" is missing"_qs << 0;
    QTest::newRow("op not a string") << QByteArray(R"([{"op":1,"path":"/a"}])")
                                     << u"operation 0: member \"op\" must be a string"_qs << 0;
    QTest::newRow("unknown op") << QByteArray(R"([{"op":"frobnicate","path":"/a"}])")
                                << u"operation 0 (frobnicate /a): unknown op \"frobnicate\" "
                                   u"(expected add, remove, replace, "
                                   "move, copy or test)"_qs
                                << 0;
    QTest::newRow("op names are case-sensitive")
        << QByteArray(R"([{"op":"Add","path":"/a","value":1}])")
        << u"operation 0 (Add /a): unknown op \"Add\" (expected add, remove, replace, move, copy "
           "or test)"_qs
        << 0;
    QTest::newRow("path missing") << QByteArray(R"([{"op":"add","value":1}])")
                                  << u"operation 0 (add): member \"path\" is missing"_qs << 0;
    QTest::newRow("path not a string")
        << QByteArray(R"([{"op":"remove","path":["a"]}])")
        << u"operation 0 (remove): member \"path\" must be a string"_qs << 0;
    QTest::newRow("path without leading slash")
        << QByteArray(R"([{"op":"add","path":"a/b","value":1}])")
        << u"operation 0 (add a/b): \"a/b\" is not a JSON pointer: it must be empty or start with "
           "\"/\""_qs
        << 0;
    QTest::newRow("bad escape in path")
        << QByteArray(R"([{"op":"remove","path":"/a~2"}])")
        << u"operation 0 (remove /a~2): \"/a~2\" is not a valid JSON pointer: \"~\" at offset 2 "
           "must be followed by 0 or 1"_qs
        << 0;
    QTest::newRow("add without value")
        << QByteArray(R"([{"op":"add","path":"/a"}])")
        << u"operation 0 (add /a): member \"value\" is missing"_qs << 0;
    QTest::newRow("replace without value")
        << QByteArray(R"([{"op":"replace","path":"/a"}])")
        << u"operation 0 (replace /a): member \"value\" is missing"_qs << 0;
    QTest::newRow("test without value")
        << QByteArray(R"([{"op":"test","path":""}])")
        << u"operation 0 (test \"\"): member \"value\" is missing"_qs << 0;
    QTest::newRow("move without from")
        << QByteArray(R"([{"op":"move","path":"/a"}])")
        << u"operation 0 (move /a): member \"from\" is missing"_qs << 0;
    QTest::newRow("copy with non-string from")
        << QByteArray(R"([{"op":"copy","from":3,"path":"/a"}])")
        << u"operation 0 (copy /a): member \"from\" must be a string"_qs << 0;
    QTest::newRow("bad from pointer")
        << QByteArray(R"([{"op":"move","from":"x","path":"/a"}])")
        << u"operation 0 (move /a): \"x\" is not a JSON pointer: it must be empty or start with "
           "\"/\""_qs
        << 0;
    QTest::newRow("third operation is wrong")
        << QByteArray(R"([{"op":"add","path":"/a","value":1},{"op":"remove","path":"/a"},
                          {"op":"replace","path":"/tasks/{id:T-9}/status"}])")
        << u"operation 2 (replace /tasks/{id:T-9}/status): member \"value\" is missing"_qs << 2;
}

void tst_JsonPatch::fromJsonErrors()
{
    QFETCH(QByteArray, patch);
    QFETCH(QString, message);
    QFETCH(int, opIndex);
    const Result<JsonPatch> parsed = JsonPatch::fromJson(parseJson(patch));
    QVERIFY(!parsed.isOk());
    QCOMPARE(parsed.error().code, ErrorCode::InvalidPatch);
    QCOMPARE(parsed.error().message, message);
    const Json &details = parsed.error().details;
    QVERIFY(details.contains("reason"));
    if (opIndex < 0)
        QVERIFY(!details.contains("opIndex"));
    else
        QCOMPARE(details.at("opIndex").get<int>(), opIndex);
}

// RFC 6902 A.13 calls an operation with two "op" members invalid. A parsed Json cannot show
// duplicates: our readers keep the last value (at the first key's position), so the operation
// below reads as a remove, and fails as one would on this document.
void tst_JsonPatch::duplicateOpMember()
{
    const Json ops = parseJson(R"([{"op":"add","path":"/baz","value":"qux","op":"remove"}])");
    const Result<JsonPatch> parsed = JsonPatch::fromJson(ops);
    QVERIFY(parsed.isOk());
    QCOMPARE(parsed->operations().size(), std::size_t(1));
    QCOMPARE(parsed->operations()[0].kind, JsonPatch::Operation::Kind::Remove);

    const Result<Json> result = parsed->apply(parseJson(R"({"foo":"bar"})"));
    QVERIFY(!result.isOk());
    QCOMPARE(result.error().message,
             u"operation 0 (remove /baz): member \"baz\" does not exist in the document"_qs);
}

// Each row's patch changes the document in several ways and then fails in its last operation;
// the undo log of applyInPlace must restore the original bytes, member order included.
void tst_JsonPatch::allOrNothing_data()
{
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<QByteArray>("patch");

    const QByteArray manifest(kManifest);
    QTest::newRow("three ops, the last fails")
        << manifest
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-1}/status","value":"done"},
                          {"op":"add","path":"/tasks/{id:T-9}","value":{"id":"T-9"}},
                          {"op":"replace","path":"/tasks/{id:T-7}/status","value":"done"}])");
    QTest::newRow("member removed from the middle")
        << QByteArray(R"({"a":1,"b":2,"c":3})") << QByteArray(R"([{"op":"remove","path":"/b"},
                          {"op":"add","path":"/d","value":4},
                          {"op":"add","path":"/b","value":5},
                          {"op":"test","path":"/a","value":2}])");
    QTest::newRow("every primitive, then failure")
        << manifest << QByteArray(R"([{"op":"remove","path":"/runId"},
                          {"op":"add","path":"/status","value":"x"},
                          {"op":"add","path":"/new","value":[1]},
                          {"op":"add","path":"/tasks/0","value":{"id":"T-0"}},
                          {"op":"remove","path":"/agents/{sessionId:S-1}"},
                          {"op":"replace","path":"/tasks/1","value":null},
                          {"op":"replace","path":"/a","value":7},
                          {"op":"copy","from":"/tasks","path":"/copied"},
                          {"op":"test","path":"/n","value":2}])");
    QTest::newRow("move of a member") << QByteArray(R"({"a":{"x":1,"y":2},"b":{},"c":0})")
                                      << QByteArray(R"([{"op":"move","from":"/a/x","path":"/b/x"},
                          {"op":"replace","path":"/b/x","value":5},
                          {"op":"test","path":"/c","value":1}])");
    QTest::newRow("move onto an existing member")
        << QByteArray(R"({"a":1,"b":2,"c":3})")
        << QByteArray(R"([{"op":"move","from":"/a","path":"/c"},{"op":"remove","path":"/zz"}])");
    QTest::newRow("move within an array")
        << QByteArray(R"({"l":[1,2,3,4]})")
        << QByteArray(R"([{"op":"move","from":"/l/0","path":"/l/3"},
                          {"op":"move","from":"/l/3","path":"/l/-"},
                          {"op":"remove","path":"/l/9"}])");
    QTest::newRow("move to the root")
        << QByteArray(R"({"a":{"k":1},"z":0})")
        << QByteArray(
               R"([{"op":"move","from":"/a","path":""},{"op":"test","path":"/k","value":2}])");
    QTest::newRow("move whose add fails")
        << QByteArray(R"({"a":1,"b":2,"c":3})")
        << QByteArray(R"([{"op":"move","from":"/a","path":"/nope/x"}])");
    QTest::newRow("move from an array whose add fails")
        << QByteArray(R"({"l":[1,2,3],"m":[]})")
        << QByteArray(R"([{"op":"move","from":"/l/1","path":"/m/5"}])");
    QTest::newRow("root replaced, then failure")
        << QByteArray(R"({"a":[1,{"b":2}]})")
        << QByteArray(R"([{"op":"replace","path":"","value":{"other":true}},
                          {"op":"add","path":"/other2","value":1},
                          {"op":"remove","path":"/a"}])");
    QTest::newRow("predicate stops matching after an edit")
        << manifest
        << QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-2}/status","value":"done"},
                          {"op":"replace","path":"/tasks/{id:T-2}/id","value":"T-5"},
                          {"op":"add","path":"/tasks/{id:T-2}","value":{"id":"T-2"}},
                          {"op":"remove","path":"/tasks/{id:T-1}/deps"},
                          {"op":"test","path":"/tasks/{id:T-5}/status","value":"todo"}])");
    QTest::newRow("same member set twice")
        << QByteArray(R"({"a":1,"b":2})") << QByteArray(R"([{"op":"replace","path":"/a","value":2},
                          {"op":"replace","path":"/a","value":3},
                          {"op":"remove","path":"/a"},
                          {"op":"add","path":"/a","value":4},
                          {"op":"test","path":"/a","value":5}])");
}

void tst_JsonPatch::allOrNothing()
{
    QFETCH(QByteArray, document);
    QFETCH(QByteArray, patch);
    const Json original = parseJson(document);
    const QByteArray originalText = dumped(original);
    const JsonPatch parsed = patchFrom(patch);
    const int lastIndex = int(parsed.operations().size()) - 1;

    const Result<Json> result = parsed.apply(original);
    QVERIFY(!result.isOk());
    QCOMPARE(result.error().details.at("opIndex").get<int>(), lastIndex);
    QCOMPARE(dumped(original), originalText);

    Json inPlace = original;
    const Result<void> inPlaceResult = parsed.applyInPlace(inPlace);
    QVERIFY(!inPlaceResult.isOk());
    QCOMPARE(inPlaceResult.error().details.at("opIndex").get<int>(), lastIndex);
    QCOMPARE(dumped(inPlace), originalText);
    QCOMPARE(inPlace.dump(2), original.dump(2));
}

void tst_JsonPatch::moveKeepsOtherMembersInPlace()
{
    // RFC 6902 does not fix where an added member goes; we append new members and keep the
    // position of replaced ones, so a diff of the file stays minimal.
    const Json doc = parseJson(R"({"a":1,"b":2,"c":3})");
    const Result<Json> moved = patchFrom(R"([{"op":"move","from":"/a","path":"/d"}])").apply(doc);
    QVERIFY(moved.isOk());
    QCOMPARE(dumped(moved.value()), QByteArray(R"({"b":2,"c":3,"d":1})"));
    const Result<Json> replaced = patchFrom(R"([{"op":"add","path":"/b","value":9}])").apply(doc);
    QVERIFY(replaced.isOk());
    QCOMPARE(dumped(replaced.value()), QByteArray(R"({"a":1,"b":9,"c":3})"));
}

void tst_JsonPatch::copyIsDeep()
{
    const Json doc = parseJson(R"({"a":{"x":[1,2]}})");
    const Result<Json> result = patchFrom(R"([{"op":"copy","from":"/a","path":"/b"},
                                              {"op":"add","path":"/b/x/-","value":3},
                                              {"op":"replace","path":"/b/y","value":0}])")
                                    .apply(doc);
    QVERIFY(!result.isOk()); // /b/y does not exist: replace needs a target
    const Result<Json> ok = patchFrom(R"([{"op":"copy","from":"/a","path":"/b"},
                                          {"op":"add","path":"/b/x/-","value":3}])")
                                .apply(doc);
    QVERIFY(ok.isOk());
    QVERIFY(jsonEqual(ok.value(), parseJson(R"({"a":{"x":[1,2]},"b":{"x":[1,2,3]}})")));
}

void tst_JsonPatch::testFailureTruncatesLongValues()
{
    const std::string longText(500, 'x');
    Json doc = Json::object();
    doc["big"] = longText;
    Json ops = parseJson(R"([{"op":"test","path":"/big","value":"short"}])");
    const Result<Json> result = patchFrom(QByteArray::fromStdString(ops.dump())).apply(doc);
    QVERIFY(!result.isOk());
    const QString reason
        = QString::fromStdString(result.error().details.at("reason").get<std::string>());
    QVERIFY(reason.startsWith(u"test failed: /big is \"xxxx"_qs));
    QVERIFY(reason.contains(QChar(0x2026)));
    QVERIFY(reason.endsWith(u", expected \"short\""_qs));
    QVERIFY2(reason.size() < 120, qPrintable(reason));
}

void tst_JsonPatch::errorDetails()
{
    const Json doc = parseJson(kManifest);
    const Result<Json> result = patchFrom(R"([{"op":"test","path":"/n","value":1},
                      {"op":"move","from":"/tasks/{id:T-1}","path":"/tasks/{id:T-1}/deps/-"}])")
                                    .apply(doc);
    QVERIFY(!result.isOk());
    const Json expected = Json::object({{"opIndex", 1},
                                        {"op", "move"},
                                        {"path", "/tasks/{id:T-1}/deps/-"},
                                        {"from", "/tasks/{id:T-1}"},
                                        {"reason", "cannot move /tasks/{id:T-1} into "
                                                   "/tasks/{id:T-1}/deps/-, which is inside it"}});
    QVERIFY2(jsonEqual(result.error().details, expected), result.error().details.dump().c_str());
    QCOMPARE(errorCodeName(result.error().code), u"invalid_patch"_qs);
}

void tst_JsonPatch::toJsonIsCanonical()
{
    const Json ops = parseJson(R"([
        {"value":1,"path":"/a","op":"add","extra":true},
        {"path":"/a~1b","op":"remove","value":"ignored"},
        {"value":{"k":[1]},"op":"replace","path":""},
        {"from":"/x","path":"/y","op":"move","value":0},
        {"path":"/z","from":"/tasks/{id:T-1}","op":"copy"},
        {"op":"test","value":null,"path":"/n"}
    ])");
    const Result<JsonPatch> parsed = JsonPatch::fromJson(ops);
    QVERIFY(parsed.isOk());
    const QByteArray canonical = R"([{"op":"add","path":"/a","value":1},)"
                                 R"({"op":"remove","path":"/a~1b"},)"
                                 R"({"op":"replace","path":"","value":{"k":[1]}},)"
                                 R"({"op":"move","path":"/y","from":"/x"},)"
                                 R"({"op":"copy","path":"/z","from":"/tasks/{id:T-1}"},)"
                                 R"({"op":"test","path":"/n","value":null}])";
    QCOMPARE(dumped(parsed->toJson()), canonical);

    // Round trip: parsing the canonical form gives the same operations.
    const Result<JsonPatch> again = JsonPatch::fromJson(parsed->toJson());
    QVERIFY(again.isOk());
    QCOMPARE(dumped(again->toJson()), canonical);
    QCOMPARE(again->operations().size(), parsed->operations().size());
    for (std::size_t i = 0; i < again->operations().size(); ++i) {
        const JsonPatch::Operation &a = again->operations()[i];
        const JsonPatch::Operation &b = parsed->operations()[i];
        QCOMPARE(a.kind, b.kind);
        QVERIFY(a.path == b.path);
        QVERIFY(a.from == b.from);
        QVERIFY(jsonEqual(a.value, b.value));
    }

    // A patch built in code serialises the same way.
    JsonPatch::Operation op;
    op.kind = JsonPatch::Operation::Kind::Replace;
    op.path
        = JsonPointer::fromTokens({"tasks", JsonPointer::predicateToken("id", "T-1"), "status"});
    op.value = "done";
    const JsonPatch built({op});
    QCOMPARE(dumped(built.toJson()),
             QByteArray(R"([{"op":"replace","path":"/tasks/{id:T-1}/status","value":"done"}])"));
}

void tst_JsonPatch::kindNames()
{
    using Kind = JsonPatch::Operation::Kind;
    QCOMPARE(QByteArray(JsonPatch::kindName(Kind::Add)), QByteArray("add"));
    QCOMPARE(QByteArray(JsonPatch::kindName(Kind::Remove)), QByteArray("remove"));
    QCOMPARE(QByteArray(JsonPatch::kindName(Kind::Replace)), QByteArray("replace"));
    QCOMPARE(QByteArray(JsonPatch::kindName(Kind::Move)), QByteArray("move"));
    QCOMPARE(QByteArray(JsonPatch::kindName(Kind::Copy)), QByteArray("copy"));
    QCOMPARE(QByteArray(JsonPatch::kindName(Kind::Test)), QByteArray("test"));
}

void tst_JsonPatch::emptyPatch()
{
    const Result<JsonPatch> parsed = JsonPatch::fromJson(Json::array());
    QVERIFY(parsed.isOk());
    QVERIFY(parsed->isEmpty());
    QCOMPARE(dumped(parsed->toJson()), QByteArray("[]"));
    const Json doc = parseJson(kManifest);
    const Result<Json> result = parsed->apply(doc);
    QVERIFY(result.isOk());
    QCOMPARE(dumped(result.value()), dumped(doc));
    QVERIFY(JsonPatch().isEmpty());
}

QTEST_APPLESS_MAIN(tst_JsonPatch)
#include "tst_jsonpatch.moc"
