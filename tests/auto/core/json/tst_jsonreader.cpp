// SPDX-License-Identifier: MIT
// JsonReader: what it rejects (and how it says so, with the right line and column), what it
// accepts, that its simdjson fast path and its nlohmann fallback build the same tree as
// nlohmann's own parser on the Node-generated corpus, and how readFile reports file problems.

#include "jscorpus.h"
#include "jsonreader.h"
#include "jsonwriter.h"
#include "testpaths.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#include <unistd.h>
#endif

using namespace runboard;
using namespace runboard::test;

namespace {

using Engine = JsonReader::Engine;

std::string_view view(const QByteArray &bytes)
{
    return std::string_view(bytes.constData(), std::size_t(bytes.size()));
}

QString typeOf(const Json &value)
{
    if (value.is_number_unsigned())
        return QStringLiteral("unsigned");
    if (value.is_number_integer())
        return QStringLiteral("integer");
    if (value.is_number_float())
        return QStringLiteral("float");
    return QString::fromLatin1(value.type_name());
}

// The first difference between two trees, as "<pointer>: <what>", or an empty string. Stricter
// than operator==: member order, number types and the sign of zero all count.
QString treeDifference(const Json &a, const Json &b, const QString &path = QString())
{
    const QString where = path.isEmpty() ? QStringLiteral("(root)") : path;
    if (typeOf(a) != typeOf(b))
        return where + QStringLiteral(": ") + typeOf(a) + QStringLiteral(" vs ") + typeOf(b);
    switch (a.type()) {
    case Json::value_t::object: {
        if (a.size() != b.size())
            return where + QStringLiteral(": member counts differ");
        auto bit = b.begin();
        for (auto ait = a.begin(); ait != a.end(); ++ait, ++bit) {
            if (ait.key() != bit.key())
                return where + QStringLiteral(": member order differs at ")
                       + QString::fromStdString(ait.key());
            const QString inner
                = treeDifference(ait.value(), bit.value(),
                                 path + QLatin1Char('/') + QString::fromStdString(ait.key()));
            if (!inner.isEmpty())
                return inner;
        }
        return {};
    }
    case Json::value_t::array: {
        if (a.size() != b.size())
            return where + QStringLiteral(": lengths differ");
        for (std::size_t i = 0; i < a.size(); ++i) {
            const QString inner
                = treeDifference(a[i], b[i], path + QLatin1Char('/') + QString::number(i));
            if (!inner.isEmpty())
                return inner;
        }
        return {};
    }
    case Json::value_t::number_float:
        if (std::bit_cast<std::uint64_t>(a.get<double>())
            != std::bit_cast<std::uint64_t>(b.get<double>()))
            return where + QStringLiteral(": ") + QString::fromStdString(a.dump())
                   + QStringLiteral(" vs ") + QString::fromStdString(b.dump());
        return {};
    default:
        return a == b ? QString()
                      : where + QStringLiteral(": ") + QString::fromStdString(a.dump())
                            + QStringLiteral(" vs ") + QString::fromStdString(b.dump());
    }
}

QString engineName(Engine engine)
{
    switch (engine) {
    case Engine::Auto:
        return QStringLiteral("Auto");
    case Engine::Simdjson:
        return QStringLiteral("Simdjson");
    case Engine::Nlohmann:
        return QStringLiteral("Nlohmann");
    }
    return QString();
}

QString compact(const Json &value)
{
    return QString::fromStdString(JsonWriter::write(value, JsonWriter::Style::Compact));
}

QByteArray nested(int depth, const QByteArray &open, const QByteArray &inner,
                  const QByteArray &close)
{
    return open.repeated(depth) + inner + close.repeated(depth);
}

} // namespace

class tst_JsonReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rejects_data();
    void rejects();
    void accepts_data();
    void accepts();
    void depthLimit_data();
    void depthLimit();
    void hugeNestingDoesNotOverflowTheStack();
    void manyMembersWithDuplicates();
    void enginesAgreeOnCorpus();
    void readFileMissing();
    void readFileDirectory();
    void readFileRefusesSpecialFilesWithoutBlocking_data();
    void readFileRefusesSpecialFilesWithoutBlocking();
    void readFileWithoutPermission();
    void readFileInvalidJson();
    void readFileTooLarge();
    void readFileValid();
};

void tst_JsonReader::rejects_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("maxDepth");
    QTest::addColumn<qulonglong>("maxBytes"); // 0: the default
    QTest::addColumn<int>("line");            // 0: no position
    QTest::addColumn<int>("column");
    QTest::addColumn<int>("offset");
    QTest::addColumn<QStringList>("mentions");

    const auto row = [](const char *name, const QByteArray &input, int line, int column, int offset,
                        const QStringList &mentions) {
        QTest::newRow(name) << input << 512 << qulonglong(0) << line << column << offset
                            << mentions;
    };
    const auto text = [](const char *literal) {
        return QString::fromUtf8(literal);
    };

    row("empty", "", 1, 1, 0, {text("empty")});
    row("whitespace only", "  \n ", 2, 2, 4, {text("empty")});
    row("byte order mark", "\xEF\xBB\xBF{}", 1, 1, 0, {text("byte order mark")});
    row("invalid UTF-8 byte", "{\"a\":\"\xff\"}", 1, 7, 6, {text("UTF-8"), text("0xFF")});
    row("truncated UTF-8 sequence", "[\"\xC3\"]", 1, 3, 2, {text("UTF-8"), text("0xC3")});
    row("overlong UTF-8", "\"\xC0\xAF\"", 1, 2, 1, {text("UTF-8")});
    row("UTF-8 encoded surrogate", "\"\xED\xA0\x80\"", 1, 2, 1, {text("UTF-8")});
    row("invalid UTF-8 on line 3", "{\n  \"a\": 1,\n  \"b\": \"x\xfe\"\n}", 3, 10, 21,
        {text("UTF-8")});
    row("lone high surrogate", R"("\ud800")", 1, 2, 1, {text("surrogate"), text("\\ud800")});
    row("lone low surrogate", R"(["ok", "\udc00"])", 1, 9, 8, {text("surrogate"), text("\\udc00")});
    row("high surrogate without its low half", R"("x\ud800\u0041")", 1, 3, 2,
        {text("surrogate"), text("\\ud800")});
    row("number beyond the double range", "[1, 1e400]", 1, 5, 4, {text("1e400"), text("range")});
    row("negative number beyond the double range", R"({"a": -1e400})", 1, 7, 6,
        {text("-1e400"), text("range")});
    row("trailing text", "{} x", 1, 4, 3, {text("after the end"), text("'x'")});
    row("a second value", "[1] [2]", 1, 5, 4, {text("after the end"), text("'['")});
    row("trailing NUL byte", QByteArray("[1]\0", 4), 1, 4, 3, {text("after the end"), text("NUL")});
    row("missing comma between members", "{\n  \"a\": 1\n  \"b\": 2\n}", 3, 3, 13,
        {text("expected ',' or '}' after an object member"), text("\"b\"")});
    row("the issue's wording", "{\n  \"a\": 1,\n  \"status\": 2 \"x\"\n}", 3, 15, 26,
        {text("line 3, column 15: expected ',' or '}' after an object member but found the "
              "string \"x\"")});
    row("CRLF line endings", "{\r\n  \"a\": 1\r\n  \"b\": 2\r\n}", 3, 3, 15,
        {text("expected ',' or '}'")});
    row("missing colon", R"({"a" 1})", 1, 6, 5, {text("expected ':'")});
    row("missing comma in array", "[1 true]", 1, 4, 3, {text("expected ',' or ']'")});
    row("trailing comma in array", "[1,2,]", 1, 6, 5, {text("comma")});
    row("trailing comma in object", R"({"a":1,})", 1, 8, 7, {text("comma")});
    row("unclosed array", "[1,2", 1, 5, 4, {text("before the array is closed")});
    row("unclosed object", R"({"a":1)", 1, 7, 6, {text("before the object is closed")});
    row("unclosed string", R"(["abc)", 1, 2, 1, {text("never closed")});
    row("single quotes", "{'a':1}", 1, 2, 1, {text("member name"), text("double quotes")});
    row("comment", "// note\n[1]", 1, 1, 0, {text("comments")});
    row("NaN", "[NaN]", 1, 2, 1, {text("'NaN'")});
    row("misspelt literal", "[tru]", 1, 2, 1, {text("'tru'"), text("true, false and null")});
    row("leading zero", "[01]", 1, 2, 1, {text("0 followed by more digits")});
    row("no digit after the point", "[1.]", 1, 4, 3, {text("invalid number"), text("'.'")});
    row("raw tab in a string", "\"a\tb\"", 1, 3, 2, {text("control character"), text("U+0009")});
    row("unknown escape", R"("\x")", 1, 2, 1, {text("escape"), text("'x'")});
    row("short \\u escape", R"("\u12")", 1, 6, 5, {text("4 hex digits")});
    row("missing value", R"({"a":})", 1, 6, 5, {text("expected a value"), text("'}'")});
    row("number as member name", "{1:2}", 1, 2, 1, {text("member name")});
    row("column counts characters, not bytes", "\"\xC3\xA9\" x", 1, 5, 5, {text("after the end")});

    QTest::newRow("nested deeper than maxDepth")
        << QByteArray("[[[[1]]]]") << 3 << qulonglong(0) << 1 << 4 << 3
        << QStringList{text("nested more than 3 levels")};
    QTest::newRow("objects nested deeper than maxDepth")
        << QByteArray(R"({"a":{"a":{"a":1}}})") << 2 << qulonglong(0) << 1 << 11 << 10
        << QStringList{text("nested more than 2 levels")};
    QTest::newRow("larger than maxBytes") << QByteArray("[1,2,3]") << 512 << qulonglong(5) << 0 << 0
                                          << 0 << QStringList{text("7 bytes"), text("5 bytes")};
}

void tst_JsonReader::rejects()
{
    QFETCH(QByteArray, input);
    QFETCH(int, maxDepth);
    QFETCH(qulonglong, maxBytes);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(int, offset);
    QFETCH(QStringList, mentions);

    JsonReadLimits limits;
    limits.maxDepth = maxDepth;
    if (maxBytes)
        limits.maxBytes = maxBytes;

    const Result<Json> result = JsonReader::parse(view(input), limits);
    QVERIFY(!result.isOk());
    const Error &error = result.error();
    QCOMPARE(error.code, ErrorCode::Unreadable);
    for (const QString &mention : mentions)
        QVERIFY2(
            error.message.contains(mention),
            qPrintable(QStringLiteral("'%1' does not mention '%2'").arg(error.message, mention)));
    if (line > 0) {
        QVERIFY2(error.message.startsWith(QStringLiteral("line %1, column %2: ")
                                              .arg(QString::number(line), QString::number(column))),
                 qPrintable(error.message));
        QCOMPARE(error.details.value("line", 0), line);
        QCOMPARE(error.details.value("column", 0), column);
        QCOMPARE(error.details.value("offset", -1), offset);
    } else {
        QVERIFY(!error.details.contains("line"));
    }

    // The fallback alone says the same; simdjson alone refuses too.
    const Result<Json> reference = JsonReader::parse(view(input), limits, Engine::Nlohmann);
    QVERIFY(!reference.isOk());
    QCOMPARE(reference.error().message, error.message);
    QVERIFY(!JsonReader::parse(view(input), limits, Engine::Simdjson).isOk());
}

void tst_JsonReader::accepts_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("type");    // of the root
    QTest::addColumn<QString>("exact");   // nlohmann's dump(), which keeps integers exact
    QTest::addColumn<QString>("written"); // JsonWriter's compact output

    const auto row = [](const char *name, const QByteArray &input, const char *type,
                        const char *exact, const char *written) {
        QTest::newRow(name) << input << QString::fromLatin1(type) << QString::fromUtf8(exact)
                            << QString::fromUtf8(written);
    };
    row("top-level number", "42", "unsigned", "42", "42");
    row("top-level negative number", " -42 ", "integer", "-42", "-42");
    row("top-level string", R"("x")", "string", R"("x")", R"("x")");
    row("top-level true", "\ttrue\n", "boolean", "true", "true");
    row("top-level null", "null", "null", "null", "null");
    row("integral float", "5.0", "float", "5.0", "5");
    row("-0 is an integer, as nlohmann types it", "-0", "integer", "0", "0");
    row("-0.0 is a float", "-0.0", "float", "-0.0", "0");
    row("uint64 max kept exactly", "18446744073709551615", "unsigned", "18446744073709551615",
        "18446744073709552000");
    row("int64 min kept exactly", "-9223372036854775808", "integer", "-9223372036854775808",
        "-9223372036854776000");
    row("below int64 min reads as a double", "-9223372036854775809", "float",
        "-9.223372036854776e+18", "-9223372036854776000");
    row("beyond 64 bits reads as a double", "100000000000000000000", "float", "1e+20",
        "100000000000000000000");
    row("30 digits", "123456789012345678901234567890", "float", "1.2345678901234568e+29",
        "1.2345678901234568e+29");
    row("underflow to zero", "1e-400", "float", "0.0", "0");
    row("escaped surrogate pair", R"("\ud83d\ude00")", "string", "\"\xF0\x9F\x98\x80\"",
        "\"\xF0\x9F\x98\x80\"");
    row("escaped backslash before ud800 is no surrogate", R"("\\ud800")", "string", R"("\\ud800")",
        R"("\\ud800")");
    row("duplicate key: last value, first position", R"({"a":1,"b":2,"a":3})", "object",
        R"({"a":3,"b":2})", R"({"a":3,"b":2})");
    row("duplicate keys with containers", R"({"a":{"x":1},"b":[1],"a":[2],"b":{}})", "object",
        R"({"a":[2],"b":{}})", R"({"a":[2],"b":{}})");
    row("duplicate key spelled with an escape", R"({"a":1,"\u0061":2})", "object", R"({"a":2})",
        R"({"a":2})");
    row("duplicates inside arrays of objects", R"([{"k":1,"k":2},{"k":3}])", "array",
        R"([{"k":2},{"k":3}])", R"([{"k":2},{"k":3}])");
    row("a NUL escape", R"("a\u0000b")", "string", R"("a\u0000b")", R"("a\u0000b")");
}

void tst_JsonReader::accepts()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, type);
    QFETCH(QString, exact);
    QFETCH(QString, written);

    const Json expected = Json::parse(input.constData(), input.constData() + input.size());
    for (const Engine engine : {Engine::Auto, Engine::Nlohmann}) {
        const Result<Json> result = JsonReader::parse(view(input), {}, engine);
        QVERIFY2(result.isOk(), qPrintable(result.isOk() ? QString() : result.error().message));
        QCOMPARE(typeOf(*result), type);
        QCOMPARE(QString::fromStdString(result->dump()), exact);
        QCOMPARE(compact(*result), written);
        const QString difference = treeDifference(*result, expected);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }
}

void tst_JsonReader::depthLimit_data()
{
    QTest::addColumn<int>("maxDepth");
    QTest::addColumn<int>("depth");
    QTest::addColumn<QByteArray>("open");  // one level's opening text
    QTest::addColumn<QByteArray>("close"); // one level's closing text

    const QByteArray array = "[";
    const QByteArray object = R"({"a":)";
    QTest::newRow("512 arrays") << 512 << 512 << array << QByteArray("]");
    QTest::newRow("513 arrays") << 512 << 513 << array << QByteArray("]");
    QTest::newRow("512 objects") << 512 << 512 << object << QByteArray("}");
    QTest::newRow("513 objects") << 512 << 513 << object << QByteArray("}");
    // Beyond the depth the fast path recurses to, the fallback takes over.
    QTest::newRow("2000 arrays, limit 2000") << 2000 << 2000 << array << QByteArray("]");
    QTest::newRow("2001 arrays, limit 2000") << 2000 << 2001 << array << QByteArray("]");
    QTest::newRow("limit 1") << 1 << 1 << array << QByteArray("]");
    QTest::newRow("2 levels, limit 1") << 1 << 2 << object << QByteArray("}");
    QTest::newRow("scalar, limit 0") << 0 << 0 << array << QByteArray("]");
    QTest::newRow("1 level, limit 0") << 0 << 1 << array << QByteArray("]");
}

void tst_JsonReader::depthLimit()
{
    QFETCH(int, maxDepth);
    QFETCH(int, depth);
    QFETCH(QByteArray, open);
    QFETCH(QByteArray, close);

    const QByteArray input = nested(depth, open, "1", close);
    JsonReadLimits limits;
    limits.maxDepth = maxDepth;
    for (const Engine engine : {Engine::Auto, Engine::Nlohmann}) {
        const Result<Json> result = JsonReader::parse(view(input), limits, engine);
        if (depth <= maxDepth) {
            QVERIFY2(result.isOk(), qPrintable(result.isOk() ? QString() : result.error().message));
            QCOMPARE(compact(*result), QString::fromLatin1(input));
        } else {
            QVERIFY(!result.isOk());
            QVERIFY2(result.error().message.contains(
                         QStringLiteral("nested more than %1 levels").arg(maxDepth)),
                     qPrintable(result.error().message));
            // The opening text of the first level too many.
            QCOMPARE(result.error().details.value("offset", -1), int(open.size()) * maxDepth);
        }
    }
}

// The depth check must come before any recursion: a hundred thousand brackets are rejected, and
// accepted when the caller allows them, without exhausting the stack.
void tst_JsonReader::hugeNestingDoesNotOverflowTheStack()
{
    constexpr int kDepth = 100000;
    const QByteArray unclosed(kDepth, '[');
    const QByteArray balanced = nested(kDepth, "[", "", "]");
    for (const QByteArray &input : {unclosed, balanced}) {
        const Result<Json> result = JsonReader::parse(view(input));
        QVERIFY(!result.isOk());
        QVERIFY(result.error().message.startsWith(QStringLiteral("line 1, column 513: ")));
    }

    JsonReadLimits generous;
    generous.maxDepth = kDepth;
    const Result<Json> result = JsonReader::parse(view(balanced), generous);
    QVERIFY2(result.isOk(), qPrintable(result.isOk() ? QString() : result.error().message));
    QVERIFY(JsonWriter::write(*result, JsonWriter::Style::Compact) == balanced.toStdString());
}

// Big objects switch to a hash map for duplicate detection; the result must not change.
void tst_JsonReader::manyMembersWithDuplicates()
{
    QByteArray input = "{";
    for (int i = 0; i < 300; ++i)
        input += "\"k" + QByteArray::number(i) + "\":" + QByteArray::number(i) + ",";
    input += R"("k7":"seven","k250":[250],"k0":{"zero":0},"k299":null})";

    Json expected = Json::object();
    for (int i = 0; i < 300; ++i)
        expected["k" + std::to_string(i)] = i;
    expected["k7"] = "seven";
    expected["k250"] = Json::array({250});
    expected["k0"] = Json::object({{"zero", 0}});
    expected["k299"] = nullptr;

    for (const Engine engine : {Engine::Auto, Engine::Simdjson, Engine::Nlohmann}) {
        const Result<Json> result = JsonReader::parse(view(input), {}, engine);
        QVERIFY2(result.isOk(), qPrintable(result.isOk() ? QString() : result.error().message));
        QCOMPARE(result->size(), std::size_t(300));
        QCOMPARE(compact(*result), compact(expected));
    }
}

void tst_JsonReader::enginesAgreeOnCorpus()
{
    std::vector<JsCorpusCase> cases;
    const QString error = loadJsCorpus(cases);
    if (!error.isEmpty())
        QFAIL(qPrintable(error));
    QVERIFY2(cases.size() >= 10000, "the corpus must hold at least 10,000 cases");

    std::size_t fastAccepted = 0;
    int failures = 0;
    QString report;
    const auto fail = [&](const JsCorpusCase &c, const QString &what) {
        if (++failures > 5)
            return;
        report += QStringLiteral("\n[%1] %2\n  input: %3")
                      .arg(c.name, what, QString::fromStdString(c.input.substr(0, 300)));
    };
    for (const JsCorpusCase &c : cases) {
        // nlohmann's own DOM parser is the reference every engine must reproduce exactly.
        const Json reference = Json::parse(c.input);
        const std::string referenceText = JsonWriter::write(reference);
        for (const Engine engine : {Engine::Auto, Engine::Simdjson, Engine::Nlohmann}) {
            const Result<Json> result = JsonReader::parse(c.input, {}, engine);
            if (!result) {
                if (engine != Engine::Simdjson)
                    fail(c, QStringLiteral("rejected: ") + result.error().message);
                continue;
            }
            if (engine == Engine::Simdjson)
                ++fastAccepted;
            const QString difference = treeDifference(*result, reference);
            if (!difference.isEmpty())
                fail(c, engineName(engine) + QStringLiteral(": ") + difference);
            else if (JsonWriter::write(*result) != referenceText)
                fail(c, engineName(engine) + QStringLiteral(": written differently"));
        }
    }
    QVERIFY2(failures == 0, qPrintable(QStringLiteral("%1 failures (first ones shown):%2")
                                           .arg(QString::number(failures), report)));
    // Most documents must take the fast path, or the comparison above proves little.
    QVERIFY2(fastAccepted * 2 > cases.size(),
             qPrintable(QStringLiteral("simdjson read only %1 of %2 documents")
                            .arg(QString::number(fastAccepted), QString::number(cases.size()))));
    qInfo("simdjson read %zu of %zu corpus documents; the rest needed the fallback", fastAccepted,
          cases.size());
}

void tst_JsonReader::readFileMissing()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("missing.json"));
    const Result<Json> result = JsonReader::readFile(path);
    QVERIFY(!result.isOk());
    QCOMPARE(result.error().code, ErrorCode::NotFound);
    QVERIFY2(result.error().message.contains(QDir::toNativeSeparators(path)),
             qPrintable(result.error().message));
    QCOMPARE(QString::fromStdString(result.error().details.value("path", std::string())), path);
}

void tst_JsonReader::readFileDirectory()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const Result<Json> result = JsonReader::readFile(dir.path());
    QVERIFY(!result.isOk());
    QCOMPARE(result.error().code, ErrorCode::IoError);
    QVERIFY2(result.error().message.contains(QDir::toNativeSeparators(dir.path())),
             qPrintable(result.error().message));
    QVERIFY2(result.error().message.contains(QStringLiteral("directory")),
             qPrintable(result.error().message));
}

void tst_JsonReader::readFileRefusesSpecialFilesWithoutBlocking_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("FIFO") << QStringLiteral("fifo");
    QTest::newRow("character device") << QStringLiteral("device");
}

// A file in a run folder is anybody's to replace: a FIFO in place of heartbeats.json must not
// hang the reader waiting for a writer, and a device is no document.
void tst_JsonReader::readFileRefusesSpecialFilesWithoutBlocking()
{
    QFETCH(QString, kind);
    QTemporaryDir dir;
    QString path = dir.filePath(QStringLiteral("special.json"));
    if (kind == QStringLiteral("fifo"))
        QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0644), 0);
    else
        path = QStringLiteral("/dev/zero");
    const Result<Json> result = JsonReader::readFile(path);
    QVERIFY(!result.isOk());
    QCOMPARE(result.error().code, ErrorCode::IoError);
    QVERIFY2(result.error().message.contains(path)
                 && result.error().message.contains(QStringLiteral("not a regular file")),
             qPrintable(result.error().message));
}

void tst_JsonReader::readFileWithoutPermission()
{
#ifdef Q_OS_UNIX
    if (::geteuid() == 0)
        QSKIP("running as root, which can read a file whatever its permissions say");
#else
    QSKIP("file permissions are only simulated this way on Unix");
#endif
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("locked.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QVERIFY(file.write("{}") == 2);
    file.close();
    QVERIFY(QFile::setPermissions(path, QFileDevice::Permissions()));

    const Result<Json> result = JsonReader::readFile(path);
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QVERIFY(!result.isOk());
    QCOMPARE(result.error().code, ErrorCode::IoError);
    QVERIFY2(result.error().message.contains(QDir::toNativeSeparators(path)),
             qPrintable(result.error().message));
    // The OS reason, as QFile words it.
    QVERIFY2(result.error().message.contains(QStringLiteral("ermission")),
             qPrintable(result.error().message));
}

void tst_JsonReader::readFileInvalidJson()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("manifest.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\n  \"a\": 1,\n}");
    file.close();

    const Result<Json> result = JsonReader::readFile(path);
    QVERIFY(!result.isOk());
    QCOMPARE(result.error().code, ErrorCode::Unreadable);
    QVERIFY2(result.error().message.startsWith(QDir::toNativeSeparators(path)
                                               + QStringLiteral(": line 3, column 1: ")),
             qPrintable(result.error().message));
    QCOMPARE(result.error().details.value("line", 0), 3);
    QCOMPARE(result.error().details.value("column", 0), 1);
    QCOMPARE(QString::fromStdString(result.error().details.value("path", std::string())), path);
}

void tst_JsonReader::readFileTooLarge()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("big.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("[1,2,3]");
    file.close();

    JsonReadLimits limits;
    limits.maxBytes = 4;
    const Result<Json> result = JsonReader::readFile(path, limits);
    QVERIFY(!result.isOk());
    QCOMPARE(result.error().code, ErrorCode::Unreadable);
    QVERIFY2(result.error().message.contains(QDir::toNativeSeparators(path)),
             qPrintable(result.error().message));
    QVERIFY2(result.error().message.contains(QStringLiteral("limit of 4 bytes")),
             qPrintable(result.error().message));
}

void tst_JsonReader::readFileValid()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("manifest.json"));
    const QByteArray content = "{\n  \"version\": 1,\n  \"tasks\": [\n    {\n"
                               "      \"id\": \"T-1\",\n      \"weight\": 0.1\n    }\n  ]\n}";
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(content), content.size());
    file.close();

    const Result<Json> result = JsonReader::readFile(path);
    QVERIFY2(result.isOk(), qPrintable(result.isOk() ? QString() : result.error().message));
    QCOMPARE(QByteArray::fromStdString(JsonWriter::write(*result)), content);
}

QTEST_APPLESS_MAIN(tst_JsonReader)
#include "tst_jsonreader.moc"
