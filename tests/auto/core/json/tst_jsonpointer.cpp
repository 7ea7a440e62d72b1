// SPDX-License-Identifier: MIT
// JsonPointer: RFC 6901 parsing and escaping, ADE's {field:value} predicates, array positions,
// prefixes, and the reasons resolve() gives when a token names nothing.

#include "jsonpointer.h"

#include <QTest>

using namespace runboard;

namespace {

Json parseJson(const QByteArray &text)
{
    return Json::parse(text.toStdString());
}

QStringList toStringList(const std::vector<std::string> &tokens)
{
    QStringList list;
    for (const std::string &token : tokens)
        list << QString::fromStdString(token);
    return list;
}

JsonPointer pointer(const char *text)
{
    Result<JsonPointer> parsed = JsonPointer::parse(text);
    Q_ASSERT(parsed.isOk());
    return std::move(parsed).value();
}

// A small ADE-like manifest the lookup tests share.
const char kManifest[] = R"({
    "status": "running",
    "": {"empty": true},
    "a/b": 1,
    "m~n": 2,
    "{id:T-1}": "a member, not a predicate",
    "tasks": [
        {"id": "T-1", "status": "todo"},
        {"id": "T-2", "status": "done", "tags": ["x", "y"]},
        {"id": 3, "status": "numeric id"},
        "plain string",
        {"id": "T-2", "status": "duplicate"}
    ],
    "nested": {"list": [[10, 11], [20]]}
})";

} // namespace

class tst_JsonPointer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data();
    void parse();
    void parseErrors_data();
    void parseErrors();
    void roundTrip_data();
    void roundTrip();
    void escape_data();
    void escape();
    void fromTokens();
    void predicateToken();
    void parsePredicate_data();
    void parsePredicate();
    void locate_data();
    void locate();
    void find_data();
    void find();
    void findMutable();
    void resolveErrors_data();
    void resolveErrors();
    void resolveMutableConcrete_data();
    void resolveMutableConcrete();
    void isPrefixOf_data();
    void isPrefixOf();
    void parentAndChild();
    void displayString();
};

void tst_JsonPointer::parse_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QStringList>("tokens");
    QTest::newRow("root") << QByteArray("") << QStringList();
    QTest::newRow("empty member of root") << QByteArray("/") << QStringList{QString()};
    QTest::newRow("two empty tokens") << QByteArray("//") << QStringList{QString(), QString()};
    QTest::newRow("plain") << QByteArray("/a/b/c") << QStringList{u"a"_qs, u"b"_qs, u"c"_qs};
    QTest::newRow("~1 is a slash") << QByteArray("/a~1b") << QStringList{u"a/b"_qs};
    QTest::newRow("~0 is a tilde") << QByteArray("/m~0n") << QStringList{u"m~n"_qs};
    QTest::newRow("~01 is ~1, not a slash") << QByteArray("/~01") << QStringList{u"~1"_qs};
    QTest::newRow("~10 is /0") << QByteArray("/~10") << QStringList{u"/0"_qs};
    QTest::newRow("trailing empty token") << QByteArray("/a/") << QStringList{u"a"_qs, QString()};
    QTest::newRow("space") << QByteArray("/ ") << QStringList{u" "_qs};
    QTest::newRow("utf-8") << QByteArray("/caf\xc3\xa9") << QStringList{u"caf\u00e9"_qs};
    QTest::newRow("predicate is kept verbatim")
        << QByteArray("/tasks/{id:T-1}/status")
        << QStringList{u"tasks"_qs, u"{id:T-1}"_qs, u"status"_qs};
    QTest::newRow("index and end")
        << QByteArray("/l/0/-") << QStringList{u"l"_qs, u"0"_qs, u"-"_qs};
}

void tst_JsonPointer::parse()
{
    QFETCH(QByteArray, text);
    QFETCH(QStringList, tokens);
    const Result<JsonPointer> parsed = JsonPointer::parse(text.toStdString());
    QVERIFY2(parsed.isOk(), qPrintable(parsed.isOk() ? QString() : parsed.error().message));
    QCOMPARE(toStringList(parsed->tokens()), tokens);
    QCOMPARE(parsed->isRoot(), tokens.isEmpty());
}

void tst_JsonPointer::parseErrors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("offset");
    QTest::newRow("no leading slash")
        << QByteArray("a/b")
        << u"\"a/b\" is not a JSON pointer: it must be empty or start with \"/\""_qs << 0;
    QTest::newRow("URI fragment form")
        << QByteArray("#/a")
        << u"\"#/a\" is not a JSON pointer: it must be empty or start with \"/\""_qs << 0;
    QTest::newRow("~2") << QByteArray("/a~2")
                        << u"\"/a~2\" is not a valid JSON pointer: \"~\" at offset 2 must be "
                           "followed by 0 or 1"_qs
                        << 2;
    QTest::newRow("~ at end")
        << QByteArray("/a/b~")
        << u"\"/a/b~\" is not a valid JSON pointer: \"~\" at offset 4 must be "
           "followed by 0 or 1"_qs
        << 4;
    QTest::newRow("~ before slash") << QByteArray("/~/x")
                                    << u"\"/~/x\" is not a valid JSON pointer: \"~\" at offset 1 "
                                       "must be followed by 0 or 1"_qs
                                    << 1;
    QTest::newRow("~a") << QByteArray("/~a")
                        << u"\"/~a\" is not a valid JSON pointer: \"~\" at offset 1 must be "
                           "followed by 0 or 1"_qs
                        << 1;
}

void tst_JsonPointer::parseErrors()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, message);
    QFETCH(int, offset);
    const Result<JsonPointer> parsed = JsonPointer::parse(text.toStdString());
    QVERIFY(!parsed.isOk());
    QCOMPARE(parsed.error().code, ErrorCode::InvalidPatch);
    QCOMPARE(parsed.error().message, message);
    QCOMPARE(QString::fromStdString(parsed.error().details.at("path").get<std::string>()),
             QString::fromUtf8(text));
    QCOMPARE(parsed.error().details.at("offset").get<int>(), offset);
}

void tst_JsonPointer::roundTrip_data()
{
    QTest::addColumn<QByteArray>("text");
    for (const char *text : {"", "/", "//", "/a/b", "/a~1b", "/m~0n", "/~01", "/~0~1~1~0", "/a/",
                             "/tasks/{id:T-1}/status", "/l/0/-", "/ /\t", "/caf\xc3\xa9"}) {
        QTest::newRow(text) << QByteArray(text);
    }
}

void tst_JsonPointer::roundTrip()
{
    QFETCH(QByteArray, text);
    const Result<JsonPointer> parsed = JsonPointer::parse(text.toStdString());
    QVERIFY(parsed.isOk());
    QCOMPARE(QByteArray::fromStdString(parsed->toString()), text);
    // fromTokens of the parsed tokens is the same pointer again.
    QVERIFY(JsonPointer::fromTokens(parsed->tokens()) == parsed.value());
}

void tst_JsonPointer::escape_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QByteArray>("escaped");
    QTest::newRow("plain") << QByteArray("abc") << QByteArray("abc");
    QTest::newRow("empty") << QByteArray("") << QByteArray("");
    QTest::newRow("slash") << QByteArray("a/b") << QByteArray("a~1b");
    QTest::newRow("tilde") << QByteArray("~") << QByteArray("~0");
    QTest::newRow("literal ~1") << QByteArray("~1") << QByteArray("~01");
    QTest::newRow("mixed") << QByteArray("/~/") << QByteArray("~1~0~1");
    QTest::newRow("predicate unchanged") << QByteArray("{id:T-1}") << QByteArray("{id:T-1}");
}

void tst_JsonPointer::escape()
{
    QFETCH(QByteArray, token);
    QFETCH(QByteArray, escaped);
    QCOMPARE(QByteArray::fromStdString(JsonPointer::escape(token.toStdString())), escaped);
    // escape is the inverse of parsing one token.
    const Result<JsonPointer> parsed = JsonPointer::parse("/" + escaped.toStdString());
    QVERIFY(parsed.isOk());
    QCOMPARE(parsed->tokens().size(), std::size_t(1));
    QCOMPARE(QByteArray::fromStdString(parsed->tokens().front()), token);
}

void tst_JsonPointer::fromTokens()
{
    const JsonPointer built = JsonPointer::fromTokens({"a/b", "~", "", "{id:T-1}"});
    QCOMPARE(QString::fromStdString(built.toString()), u"/a~1b/~0//{id:T-1}"_qs);
    QVERIFY(JsonPointer::fromTokens({}).isRoot());
    QCOMPARE(QString::fromStdString(JsonPointer::fromTokens({}).toString()), QString());
}

void tst_JsonPointer::predicateToken()
{
    QCOMPARE(QString::fromStdString(JsonPointer::predicateToken("id", "T-1")), u"{id:T-1}"_qs);
    QCOMPARE(QString::fromStdString(JsonPointer::predicateToken("sessionId", "S-2")),
             u"{sessionId:S-2}"_qs);
    std::string_view field;
    std::string_view value;
    const std::string token = JsonPointer::predicateToken("id", "a:b/c");
    QVERIFY(JsonPointer::parsePredicate(token, &field, &value));
    QCOMPARE(QString::fromStdString(std::string(field)), u"id"_qs);
    QCOMPARE(QString::fromStdString(std::string(value)), u"a:b/c"_qs);
    // A value with a slash survives the trip through the escaped text form.
    const JsonPointer withSlash = JsonPointer::fromTokens({"tasks", token});
    QCOMPARE(QString::fromStdString(withSlash.toString()), u"/tasks/{id:a:b~1c}"_qs);
    QVERIFY(pointer("/tasks/{id:a:b~1c}") == withSlash);
}

void tst_JsonPointer::parsePredicate_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<bool>("isPredicate");
    QTest::addColumn<QByteArray>("field");
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("id") << QByteArray("{id:T-1}") << true << QByteArray("id") << QByteArray("T-1");
    QTest::newRow("sessionId") << QByteArray("{sessionId:S-2}") << true << QByteArray("sessionId")
                               << QByteArray("S-2");
    QTest::newRow("digits in field")
        << QByteArray("{a1:x}") << true << QByteArray("a1") << QByteArray("x");
    QTest::newRow("one character each")
        << QByteArray("{f:v}") << true << QByteArray("f") << QByteArray("v");
    QTest::newRow("colon in value")
        << QByteArray("{id:a:b}") << true << QByteArray("id") << QByteArray("a:b");
    QTest::newRow("brace in value")
        << QByteArray("{id:a{b}") << true << QByteArray("id") << QByteArray("a{b");
    QTest::newRow("field starts with digit")
        << QByteArray("{1d:x}") << false << QByteArray() << QByteArray();
    QTest::newRow("dash in field")
        << QByteArray("{i-d:x}") << false << QByteArray() << QByteArray();
    QTest::newRow("empty value") << QByteArray("{id:}") << false << QByteArray() << QByteArray();
    QTest::newRow("empty field") << QByteArray("{:x}") << false << QByteArray() << QByteArray();
    QTest::newRow("no colon") << QByteArray("{idx}") << false << QByteArray() << QByteArray();
    QTest::newRow("no braces") << QByteArray("id:x") << false << QByteArray() << QByteArray();
    QTest::newRow("unclosed") << QByteArray("{id:x") << false << QByteArray() << QByteArray();
    QTest::newRow("closing brace in value")
        << QByteArray("{id:x}}") << false << QByteArray() << QByteArray();
    QTest::newRow("trailing text")
        << QByteArray("{id:x}y") << false << QByteArray() << QByteArray();
    QTest::newRow("empty") << QByteArray("") << false << QByteArray() << QByteArray();
}

void tst_JsonPointer::parsePredicate()
{
    QFETCH(QByteArray, token);
    QFETCH(bool, isPredicate);
    QFETCH(QByteArray, field);
    QFETCH(QByteArray, value);
    std::string_view parsedField;
    std::string_view parsedValue;
    const std::string text = token.toStdString();
    QCOMPARE(JsonPointer::parsePredicate(text, &parsedField, &parsedValue), isPredicate);
    if (isPredicate) {
        QCOMPARE(QByteArray::fromStdString(std::string(parsedField)), field);
        QCOMPARE(QByteArray::fromStdString(std::string(parsedValue)), value);
        QCOMPARE(QByteArray::fromStdString(JsonPointer::predicateToken(parsedField, parsedValue)),
                 token);
    }
    QCOMPARE(JsonPointer::parsePredicate(text, nullptr, nullptr), isPredicate);
}

using Kind = JsonPointer::ArrayPosition::Kind;

void tst_JsonPointer::locate_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("index");
    QTest::addColumn<bool>("exists");
    const auto row = [](const char *name, const char *token, Kind kind, int index, bool exists) {
        QTest::newRow(name) << QByteArray(token) << int(kind) << index << exists;
    };
    // The array is [{"id":"T-1"}, {"id":"T-2"}, {"id":3}, "T-4", {"id":"T-2","dup":true}].
    row("first index", "0", Kind::Index, 0, true);
    row("last index", "4", Kind::Index, 4, true);
    row("one past the end", "5", Kind::Index, 5, false);
    row("far out of range", "70", Kind::Index, 70, false);
    row("end", "-", Kind::End, 5, false);
    row("leading zero", "01", Kind::Invalid, 0, false);
    row("double zero", "00", Kind::Invalid, 0, false);
    row("negative", "-1", Kind::Invalid, 0, false);
    row("plus sign", "+1", Kind::Invalid, 0, false);
    row("exponent", "1e2", Kind::Invalid, 0, false);
    row("empty", "", Kind::Invalid, 0, false);
    row("word", "first", Kind::Invalid, 0, false);
    row("malformed predicate", "{1d:x}", Kind::Invalid, 0, false);
    row("predicate match", "{id:T-1}", Kind::Predicate, 0, true);
    row("first of duplicates", "{id:T-2}", Kind::Predicate, 1, true);
    row("predicate no match", "{id:T-9}", Kind::Predicate, 5, false);
    row("number member is not a string", "{id:3}", Kind::Predicate, 5, false);
    row("string element is not an object", "{id:T-4}", Kind::Predicate, 5, false);
    row("other field", "{dup:true}", Kind::Predicate, 5, false);
}

void tst_JsonPointer::locate()
{
    QFETCH(QByteArray, token);
    QFETCH(int, kind);
    QFETCH(int, index);
    QFETCH(bool, exists);
    const Json array
        = parseJson(R"([{"id":"T-1"}, {"id":"T-2"}, {"id":3}, "T-4", {"id":"T-2","dup":true}])");
    const JsonPointer::ArrayPosition position = JsonPointer::locate(array, token.toStdString());
    QCOMPARE(int(position.kind), kind);
    if (position.kind != Kind::Invalid)
        QCOMPARE(position.index, std::size_t(index));
    QCOMPARE(position.exists, exists);
}

void tst_JsonPointer::find_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("expected"); // dump of the value, empty when nothing is found
    QTest::newRow("root") << QByteArray("") << QByteArray(); // checked separately below
    QTest::newRow("member") << QByteArray("/status") << QByteArray(R"("running")");
    QTest::newRow("empty member name") << QByteArray("/") << QByteArray(R"({"empty":true})");
    QTest::newRow("escaped slash") << QByteArray("/a~1b") << QByteArray("1");
    QTest::newRow("escaped tilde") << QByteArray("/m~0n") << QByteArray("2");
    QTest::newRow("predicate on object is a member name")
        << QByteArray("/{id:T-1}") << QByteArray(R"("a member, not a predicate")");
    QTest::newRow("index") << QByteArray("/tasks/0/status") << QByteArray(R"("todo")");
    QTest::newRow("nested arrays") << QByteArray("/nested/list/1/0") << QByteArray("20");
    QTest::newRow("predicate") << QByteArray("/tasks/{id:T-1}/status") << QByteArray(R"("todo")");
    QTest::newRow("predicate then index")
        << QByteArray("/tasks/{id:T-2}/tags/1") << QByteArray(R"("y")");
    QTest::newRow("first of duplicates")
        << QByteArray("/tasks/{id:T-2}/status") << QByteArray(R"("done")");
    QTest::newRow("predicate no match") << QByteArray("/tasks/{id:T-9}") << QByteArray();
    QTest::newRow("predicate on non-string member") << QByteArray("/tasks/{id:3}") << QByteArray();
    QTest::newRow("missing member") << QByteArray("/nope") << QByteArray();
    QTest::newRow("missing nested member") << QByteArray("/tasks/0/nope") << QByteArray();
    QTest::newRow("leading zero") << QByteArray("/tasks/00") << QByteArray();
    QTest::newRow("end names nothing") << QByteArray("/tasks/-") << QByteArray();
    QTest::newRow("out of range") << QByteArray("/tasks/5") << QByteArray();
    QTest::newRow("descend into string") << QByteArray("/status/0") << QByteArray();
    QTest::newRow("descend into string element") << QByteArray("/tasks/3/id") << QByteArray();
    QTest::newRow("index on object") << QByteArray("/nested/0") << QByteArray();
}

void tst_JsonPointer::find()
{
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, expected);
    const Json doc = parseJson(kManifest);
    const Json *found = pointer(path.constData()).find(doc);
    if (path.isEmpty()) {
        QCOMPARE(found, &doc);
        return;
    }
    if (expected.isEmpty()) {
        QVERIFY(!found);
        QVERIFY(!pointer(path.constData()).resolve(doc).isOk());
        return;
    }
    QVERIFY(found);
    QCOMPARE(QByteArray::fromStdString(found->dump()), expected);
    const Result<const Json *> resolved = pointer(path.constData()).resolve(doc);
    QVERIFY(resolved.isOk());
    QCOMPARE(resolved.value(), found);
}

void tst_JsonPointer::findMutable()
{
    Json doc = parseJson(kManifest);
    Json *status = pointer("/tasks/{id:T-2}/status").find(doc);
    QVERIFY(status);
    *status = "changed";
    QCOMPARE(QString::fromStdString(doc["tasks"][1]["status"].get<std::string>()), u"changed"_qs);
    QVERIFY(!pointer("/tasks/{id:T-9}/status").find(doc));
}

void tst_JsonPointer::resolveErrors_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QByteArray>("at");
    QTest::addColumn<QByteArray>("token");
    QTest::newRow("missing root member")
        << QByteArray("/nope/x") << u"member \"nope\" does not exist in the document"_qs
        << QByteArray("") << QByteArray("nope");
    QTest::newRow("missing nested member")
        << QByteArray("/tasks/0/owner") << u"member \"owner\" does not exist in /tasks/0"_qs
        << QByteArray("/tasks/0") << QByteArray("owner");
    QTest::newRow("predicate no match")
        << QByteArray("/tasks/{id:T-9}/status") << u"no element of /tasks has id \"T-9\""_qs
        << QByteArray("/tasks") << QByteArray("{id:T-9}");
    QTest::newRow("out of range") << QByteArray("/tasks/7")
                                  << u"index 7 is out of range for /tasks (size 5)"_qs
                                  << QByteArray("/tasks") << QByteArray("7");
    QTest::newRow("index overflowing size_t")
        << QByteArray("/tasks/99999999999999999999999")
        << u"index 99999999999999999999999 is out of range for /tasks (size 5)"_qs
        << QByteArray("/tasks") << QByteArray("99999999999999999999999");
    QTest::newRow("leading zero") << QByteArray("/tasks/01")
                                  << u"\"01\" is not a valid array index"_qs << QByteArray("/tasks")
                                  << QByteArray("01");
    QTest::newRow("malformed predicate")
        << QByteArray("/tasks/{1d:x}")
        << u"\"{1d:x}\" is neither a valid array index nor a {field:value} predicate"_qs
        << QByteArray("/tasks") << QByteArray("{1d:x}");
    QTest::newRow("end")
        << QByteArray("/tasks/-/id")
        << u"\"-\" names the position after the last element of /tasks, not an element"_qs
        << QByteArray("/tasks") << QByteArray("-");
    QTest::newRow("descend into string element")
        << QByteArray("/tasks/3/id") << u"/tasks/3 is a string; cannot descend into it"_qs
        << QByteArray("/tasks/3") << QByteArray("id");
    QTest::newRow("descend into number")
        << QByteArray("/a~1b/x") << u"/a~1b is a number; cannot descend into it"_qs
        << QByteArray("/a~1b") << QByteArray("x");
    QTest::newRow("descend into boolean")
        << QByteArray("//empty/x") << u"//empty is a boolean; cannot descend into it"_qs
        << QByteArray("//empty") << QByteArray("x");
    QTest::newRow("failing token after a predicate keeps the predicate")
        << QByteArray("/tasks/{id:T-2}/tags/2")
        << u"index 2 is out of range for /tasks/{id:T-2}/tags (size 2)"_qs
        << QByteArray("/tasks/{id:T-2}/tags") << QByteArray("2");
}

void tst_JsonPointer::resolveErrors()
{
    QFETCH(QByteArray, path);
    QFETCH(QString, message);
    QFETCH(QByteArray, at);
    QFETCH(QByteArray, token);
    const Json doc = parseJson(kManifest);
    const Result<const Json *> resolved = pointer(path.constData()).resolve(doc);
    QVERIFY(!resolved.isOk());
    QCOMPARE(resolved.error().code, ErrorCode::InvalidPatch);
    QCOMPARE(resolved.error().message, message);
    const Json &details = resolved.error().details;
    QCOMPARE(QByteArray::fromStdString(details.at("path").get<std::string>()), path);
    QCOMPARE(QByteArray::fromStdString(details.at("at").get<std::string>()), at);
    QCOMPARE(QByteArray::fromStdString(details.at("token").get<std::string>()), token);

    Json mutableDoc = doc;
    const Result<Json *> mutableResolved = pointer(path.constData()).resolveMutable(mutableDoc);
    QVERIFY(!mutableResolved.isOk());
    QCOMPARE(mutableResolved.error().message, message);
}

void tst_JsonPointer::resolveMutableConcrete_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("concrete");
    QTest::newRow("root") << QByteArray("") << QByteArray("");
    QTest::newRow("members only") << QByteArray("/nested/list") << QByteArray("/nested/list");
    QTest::newRow("predicate") << QByteArray("/tasks/{id:T-2}/status")
                               << QByteArray("/tasks/1/status");
    QTest::newRow("predicate then index")
        << QByteArray("/tasks/{id:T-2}/tags/0") << QByteArray("/tasks/1/tags/0");
    QTest::newRow("predicate-like member name stays")
        << QByteArray("/{id:T-1}") << QByteArray("/{id:T-1}");
}

void tst_JsonPointer::resolveMutableConcrete()
{
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, concrete);
    Json doc = parseJson(kManifest);
    JsonPointer resolvedPath = JsonPointer::fromTokens({"stale"});
    const Result<Json *> resolved = pointer(path.constData()).resolveMutable(doc, &resolvedPath);
    QVERIFY(resolved.isOk());
    QCOMPARE(QByteArray::fromStdString(resolvedPath.toString()), concrete);
    QCOMPARE(resolvedPath.find(doc), resolved.value());
}

void tst_JsonPointer::isPrefixOf_data()
{
    QTest::addColumn<QByteArray>("prefix");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<bool>("result");
    QTest::newRow("root of root") << QByteArray("") << QByteArray("") << true;
    QTest::newRow("root of anything") << QByteArray("") << QByteArray("/a/b") << true;
    QTest::newRow("itself") << QByteArray("/a/b") << QByteArray("/a/b") << true;
    QTest::newRow("parent") << QByteArray("/a") << QByteArray("/a/b") << true;
    QTest::newRow("child is not a prefix") << QByteArray("/a/b") << QByteArray("/a") << false;
    QTest::newRow("token-wise, not text-wise") << QByteArray("/a") << QByteArray("/ab") << false;
    QTest::newRow("empty token") << QByteArray("/") << QByteArray("//x") << true;
    QTest::newRow("sibling") << QByteArray("/a/c") << QByteArray("/a/b/c") << false;
    QTest::newRow("predicate") << QByteArray("/tasks/{id:T-1}")
                               << QByteArray("/tasks/{id:T-1}/status") << true;
    QTest::newRow("other predicate")
        << QByteArray("/tasks/{id:T-1}") << QByteArray("/tasks/{id:T-12}/status") << false;
}

void tst_JsonPointer::isPrefixOf()
{
    QFETCH(QByteArray, prefix);
    QFETCH(QByteArray, path);
    QFETCH(bool, result);
    QCOMPARE(pointer(prefix.constData()).isPrefixOf(pointer(path.constData())), result);
}

void tst_JsonPointer::parentAndChild()
{
    const JsonPointer root;
    QVERIFY(root.isRoot());
    QVERIFY(root.parent().isRoot());

    const JsonPointer path = pointer("/a/b~1c");
    QCOMPARE(QString::fromStdString(path.back()), u"b/c"_qs);
    QCOMPARE(QString::fromStdString(path.parent().toString()), u"/a"_qs);
    QVERIFY(path.parent().parent().isRoot());

    const JsonPointer child = path.child("x~y");
    QCOMPARE(QString::fromStdString(child.toString()), u"/a/b~1c/x~0y"_qs);
    QVERIFY(child.parent() == path);
    QVERIFY(path.isPrefixOf(child));
    QVERIFY(!child.isPrefixOf(path));
    QVERIFY(root.child("").toString() == "/");
    QVERIFY(!(path == child));
}

void tst_JsonPointer::displayString()
{
    QCOMPARE(JsonPointer().toDisplayString(), u"the document"_qs);
    QCOMPARE(pointer("/").toDisplayString(), u"/"_qs);
    QCOMPARE(pointer("/a~1b/{id:T-1}").toDisplayString(), u"/a~1b/{id:T-1}"_qs);
}

QTEST_APPLESS_MAIN(tst_JsonPointer)
#include "tst_jsonpointer.moc"
