// SPDX-License-Identifier: MIT
// JsonWriter: output byte-identical to JSON.stringify. Checked three ways: against Node itself on
// a generated corpus (tests/data/jscorpus.js), against the files ADE wrote, and against values
// derived by hand from ECMA-262 for the number, string and key-order rules.

#include "jscorpus.h"
#include "jsonreader.h"
#include "jsonwriter.h"
#include "testpaths.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

using namespace runboard;
using namespace runboard::test;

namespace {

QString shown(const std::string &text)
{
    constexpr qsizetype kMax = 300;
    const QString all = QString::fromStdString(text);
    return all.size() > kMax ? all.left(kMax) + QStringLiteral("...") : all;
}

QString number(double value)
{
    std::string out;
    JsonWriter::appendNumber(out, value);
    return QString::fromStdString(out);
}

QString pretty(const Json &value)
{
    return QString::fromStdString(JsonWriter::write(value, JsonWriter::Style::Pretty));
}

QString compact(const Json &value)
{
    return QString::fromStdString(JsonWriter::write(value, JsonWriter::Style::Compact));
}

} // namespace

class tst_JsonWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void numbers_data();
    void numbers();
    void integersBeyondDoublePrecision_data();
    void integersBeyondDoublePrecision();
    void strings_data();
    void strings();
    void escapeAtEveryPosition();
    void emptyContainersAndIndentation();
    void compactStyle();
    void arrayIndexKeysFirst_data();
    void arrayIndexKeysFirst();
    void appendKeepsExistingText();
    void deepTreeBuiltInCode();
    void matchesNodeOnCorpus();
    void adeFilesRoundTrip_data();
    void adeFilesRoundTrip();
};

// Expected texts follow ECMA-262 Number::toString: with k the digit count of the shortest
// round-trip representation and n its decimal-point position, k <= n <= 21 gives digits and
// zeros, 0 < n <= 21 a plain fraction, -6 < n <= 0 "0.000ddd", anything else d.ddde±(n-1).
void tst_JsonWriter::numbers_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("expected");
    const double inf = std::numeric_limits<double>::infinity();

    QTest::newRow("zero") << 0.0 << QStringLiteral("0");
    QTest::newRow("negative zero prints as 0") << -0.0 << QStringLiteral("0");
    QTest::newRow("one, no .0") << 1.0 << QStringLiteral("1");
    QTest::newRow("minus one") << -1.0 << QStringLiteral("-1");
    QTest::newRow("1.5") << 1.5 << QStringLiteral("1.5");
    QTest::newRow("0.1 shortest") << 0.1 << QStringLiteral("0.1");
    QTest::newRow("0.1 + 0.2 needs 17 digits")
        << 0.1 + 0.2 << QStringLiteral("0.30000000000000004");
    QTest::newRow("123456.789") << 123456.789 << QStringLiteral("123456.789");
    QTest::newRow("1e16, n=17 <= 21") << 1e16 << QStringLiteral("10000000000000000");
    QTest::newRow("1e20, n=21") << 1e20 << QStringLiteral("100000000000000000000");
    QTest::newRow("1.23e20, k=3 n=21") << 1.23e20 << QStringLiteral("123000000000000000000");
    QTest::newRow("1e21, n=22 -> exponent") << 1e21 << QStringLiteral("1e+21");
    QTest::newRow("1.5e21") << 1.5e21 << QStringLiteral("1.5e+21");
    QTest::newRow("2^64, n=20") << 18446744073709551616.0 << QStringLiteral("18446744073709552000");
    QTest::newRow("2^53") << 9007199254740992.0 << QStringLiteral("9007199254740992");
    QTest::newRow("2^53 + 2") << 9007199254740994.0 << QStringLiteral("9007199254740994");
    QTest::newRow("1e-6, n=-5 -> plain") << 1e-6 << QStringLiteral("0.000001");
    QTest::newRow("1.234e-6") << 1.234e-6 << QStringLiteral("0.000001234");
    QTest::newRow("1e-7, n=-6 -> exponent") << 1e-7 << QStringLiteral("1e-7");
    QTest::newRow("-1.5e-7") << -1.5e-7 << QStringLiteral("-1.5e-7");
    QTest::newRow("1e-5") << 1e-5 << QStringLiteral("0.00001");
    QTest::newRow("1.5e300") << 1.5e300 << QStringLiteral("1.5e+300");
    QTest::newRow("max double") << std::numeric_limits<double>::max()
                                << QStringLiteral("1.7976931348623157e+308");
    QTest::newRow("min normal") << std::numeric_limits<double>::min()
                                << QStringLiteral("2.2250738585072014e-308");
    QTest::newRow("min subnormal")
        << std::numeric_limits<double>::denorm_min() << QStringLiteral("5e-324");
    QTest::newRow("12345678901234567890")
        << 12345678901234567890.0 << QStringLiteral("12345678901234567000");
    QTest::newRow("just below 1e21")
        << 999999999999999900000.0 << QStringLiteral("999999999999999900000");
    QTest::newRow("-123.456e-10") << -123.456e-10 << QStringLiteral("-1.23456e-8");
    QTest::newRow("infinity is null") << inf << QStringLiteral("null");
    QTest::newRow("-infinity is null") << -inf << QStringLiteral("null");
    QTest::newRow("NaN is null") << std::numeric_limits<double>::quiet_NaN()
                                 << QStringLiteral("null");
}

void tst_JsonWriter::numbers()
{
    QFETCH(double, value);
    QFETCH(QString, expected);
    QCOMPARE(number(value), expected);
    // Inside a document the number is written the same way.
    QCOMPARE(compact(Json::array({value})), QStringLiteral("[") + expected + QStringLiteral("]"));
}

// JSON.parse rounds integers beyond 2^53 to the nearest double; the writer prints that double.
void tst_JsonWriter::integersBeyondDoublePrecision_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<qint64>("signedValue");
    QTest::addColumn<quint64>("unsignedValue");
    QTest::addColumn<QString>("expected");

    QTest::newRow("42") << QStringLiteral("unsigned") << qint64(0) << quint64(42)
                        << QStringLiteral("42");
    QTest::newRow("-7") << QStringLiteral("signed") << qint64(-7) << quint64(0)
                        << QStringLiteral("-7");
    QTest::newRow("signed zero") << QStringLiteral("signed") << qint64(0) << quint64(0)
                                 << QStringLiteral("0");
    QTest::newRow("2^53 exact") << QStringLiteral("unsigned") << qint64(0)
                                << quint64(9007199254740992ULL)
                                << QStringLiteral("9007199254740992");
    QTest::newRow("2^53 + 1 rounds to even")
        << QStringLiteral("unsigned") << qint64(0) << quint64(9007199254740993ULL)
        << QStringLiteral("9007199254740992");
    QTest::newRow("-(2^53 + 1)") << QStringLiteral("signed") << qint64(-9007199254740993LL)
                                 << quint64(0) << QStringLiteral("-9007199254740992");
    QTest::newRow("int64 max") << QStringLiteral("signed") << std::numeric_limits<qint64>::max()
                               << quint64(0) << QStringLiteral("9223372036854776000");
    QTest::newRow("int64 min") << QStringLiteral("signed") << std::numeric_limits<qint64>::min()
                               << quint64(0) << QStringLiteral("-9223372036854776000");
    QTest::newRow("uint64 max") << QStringLiteral("unsigned") << qint64(0)
                                << std::numeric_limits<quint64>::max()
                                << QStringLiteral("18446744073709552000");
}

void tst_JsonWriter::integersBeyondDoublePrecision()
{
    QFETCH(QString, type);
    QFETCH(qint64, signedValue);
    QFETCH(quint64, unsignedValue);
    QFETCH(QString, expected);
    const Json value = type == QStringLiteral("signed")
                           ? Json(static_cast<Json::number_integer_t>(signedValue))
                           : Json(static_cast<Json::number_unsigned_t>(unsignedValue));
    if (type == QStringLiteral("signed"))
        QVERIFY(value.is_number_integer() && !value.is_number_unsigned());
    else
        QVERIFY(value.is_number_unsigned());
    QCOMPARE(pretty(value), expected);
    QCOMPARE(compact(value), expected);
}

void tst_JsonWriter::strings_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("plain") << QByteArray("hello") << QByteArray(R"("hello")");
    QTest::newRow("empty") << QByteArray("") << QByteArray(R"("")");
    QTest::newRow("quote") << QByteArray(R"(say "hi")") << QByteArray(R"("say \"hi\"")");
    QTest::newRow("backslash") << QByteArray(R"(C:\dir)") << QByteArray(R"("C:\\dir")");
    QTest::newRow("slash is not escaped") << QByteArray("a/b") << QByteArray(R"("a/b")");
    QTest::newRow("short escapes") << QByteArray("\b\f\n\r\t") << QByteArray(R"("\b\f\n\r\t")");
    QTest::newRow("NUL") << QByteArray("a\0b", 3) << QByteArray(R"("a\u0000b")");
    QTest::newRow("other controls lowercase hex")
        << QByteArray("\x01\x0b\x1a\x1f") << QByteArray(R"("\u0001\u000b\u001a\u001f")");
    QTest::newRow("DEL raw") << QByteArray("\x7f") << QByteArray("\"\x7f\"");
    QTest::newRow("non-ASCII raw") << QByteArray("é—✓") << QByteArray("\"é—✓\"");
    QTest::newRow("U+2028/U+2029 raw")
        << QByteArray("a\u2028b\u2029c") << QByteArray("\"a\u2028b\u2029c\"");
    QTest::newRow("emoji raw") << QByteArray("🚀") << QByteArray("\"🚀\"");
    QTest::newRow("escape after 16 plain bytes")
        << QByteArray("0123456789abcdef\"") << QByteArray(R"("0123456789abcdef\"")");
    QTest::newRow("bytes >= 0x80 next to an escape")
        << QByteArray("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\n") << QByteArray("\"éééé\\n\"");
}

void tst_JsonWriter::strings()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, expected);
    const Json value = text.toStdString();
    QCOMPARE(QByteArray::fromStdString(JsonWriter::write(value)), expected);
    // Keys are written the same way.
    Json object = Json::object();
    object[text.toStdString()] = 1;
    QCOMPARE(QByteArray::fromStdString(JsonWriter::write(object, JsonWriter::Style::Compact)),
             "{" + expected + ":1}");
}

// The writer scans eight bytes at a time; every position of an escape in and around a word must
// be found.
void tst_JsonWriter::escapeAtEveryPosition()
{
    for (const char special : {'"', '\\', '\n', '\x1f', '\0'}) {
        for (int length = 1; length <= 40; ++length) {
            for (int at = 0; at < length; ++at) {
                std::string text(std::size_t(length), 'x');
                text[std::size_t(at)] = special;
                std::string expected = "\"" + std::string(std::size_t(at), 'x');
                switch (special) {
                case '"':
                    expected += "\\\"";
                    break;
                case '\\':
                    expected += "\\\\";
                    break;
                case '\n':
                    expected += "\\n";
                    break;
                case '\x1f':
                    expected += "\\u001f";
                    break;
                default:
                    expected += "\\u0000";
                    break;
                }
                expected += std::string(std::size_t(length - at - 1), 'x') + "\"";
                const std::string actual = JsonWriter::write(Json(text));
                if (actual != expected) {
                    QFAIL(qPrintable(QStringLiteral("length %1, escape at %2: got %3, expected %4")
                                         .arg(QString::number(length), QString::number(at),
                                              QString::fromStdString(actual),
                                              QString::fromStdString(expected))));
                }
            }
        }
    }
}

void tst_JsonWriter::emptyContainersAndIndentation()
{
    Json doc = Json::object();
    doc["empty array"] = Json::array();
    doc["empty object"] = Json::object();
    doc["nested"] = Json::array(
        {1, Json::array({Json::array(), Json::object()}), Json::object({{"k", nullptr}})});
    doc["flag"] = true;
    doc["off"] = false;
    const QString expected = QStringLiteral("{\n"
                                            "  \"empty array\": [],\n"
                                            "  \"empty object\": {},\n"
                                            "  \"nested\": [\n"
                                            "    1,\n"
                                            "    [\n"
                                            "      [],\n"
                                            "      {}\n"
                                            "    ],\n"
                                            "    {\n"
                                            "      \"k\": null\n"
                                            "    }\n"
                                            "  ],\n"
                                            "  \"flag\": true,\n"
                                            "  \"off\": false\n"
                                            "}");
    QCOMPARE(pretty(doc), expected);
    QCOMPARE(pretty(Json::array()), QStringLiteral("[]"));
    QCOMPARE(pretty(Json::object()), QStringLiteral("{}"));
    QCOMPARE(pretty(Json(nullptr)), QStringLiteral("null"));
    QCOMPARE(pretty(Json("top")), QStringLiteral("\"top\""));
}

void tst_JsonWriter::compactStyle()
{
    Json doc = Json::object();
    doc["a"] = Json::array({1, 2.5, "x", nullptr, Json::object(), Json::array()});
    doc["b"] = Json::object({{"c", Json::object({{"d", false}})}});
    QCOMPARE(compact(doc), QStringLiteral(R"({"a":[1,2.5,"x",null,{},[]],"b":{"c":{"d":false}}})"));
}

void tst_JsonWriter::arrayIndexKeysFirst_data()
{
    QTest::addColumn<QStringList>("keys");
    QTest::addColumn<QString>("expected");

    QTest::newRow("issue example") << QStringList{QStringLiteral("b"), QStringLiteral("10"),
                                                  QStringLiteral("2"), QStringLiteral("a")}
                                   << QStringLiteral(R"({"2":2,"10":1,"b":0,"a":3})");
    QTest::newRow("0 is an index, 01 is not")
        << QStringList{QStringLiteral("01"), QStringLiteral("0"), QStringLiteral("x")}
        << QStringLiteral(R"({"0":1,"01":0,"x":2})");
    QTest::newRow("2^32 - 2 is the last index")
        << QStringList{QStringLiteral("4294967295"), QStringLiteral("4294967294"),
                       QStringLiteral("4294967296"), QStringLiteral("7")}
        << QStringLiteral(R"({"7":3,"4294967294":1,"4294967295":0,"4294967296":2})");
    QTest::newRow("negative, fractional, spaced and empty keys are names")
        << QStringList{QStringLiteral("-1"), QStringLiteral("1.5"), QStringLiteral(" 3"), QString(),
                       QStringLiteral("3")}
        << QStringLiteral(R"({"3":4,"-1":0,"1.5":1," 3":2,"":3})");
    QTest::newRow("no index keys keeps insertion order")
        << QStringList{QStringLiteral("z"), QStringLiteral("y"), QStringLiteral("x")}
        << QStringLiteral(R"({"z":0,"y":1,"x":2})");
}

void tst_JsonWriter::arrayIndexKeysFirst()
{
    QFETCH(QStringList, keys);
    QFETCH(QString, expected);
    Json object = Json::object();
    for (qsizetype i = 0; i < keys.size(); ++i)
        object[keys.at(i).toStdString()] = i;
    QCOMPARE(compact(object), expected);

    // Reordered objects nest inside each other and inside plain ones.
    Json outer = Json::object();
    outer["9"] = object;
    outer["name"] = Json::object({{"5", 1}, {"4", 2}});
    outer["1"] = Json::array({object});
    QCOMPARE(compact(outer),
             QStringLiteral(R"({"1":[%1],"9":%1,"name":{"4":2,"5":1}})").arg(expected));
}

void tst_JsonWriter::appendKeepsExistingText()
{
    std::string out = "prefix ";
    JsonWriter::append(out, Json::object({{"a", 1}}), JsonWriter::Style::Compact);
    QCOMPARE(QString::fromStdString(out), QStringLiteral(R"(prefix {"a":1})"));
    JsonWriter::appendNumber(out, 1e21);
    QCOMPARE(QString::fromStdString(out), QStringLiteral(R"(prefix {"a":1}1e+21)"));
}

// The reader caps nesting, but code can build any tree; the writer must not recurse per level.
namespace {

// An array holding depth - 1 nested {"k": [...]} pairs: 2 * depth - 1 levels in all.
Json deepTree(std::size_t depth)
{
    Json root = Json::array();
    Json *innermost = &root;
    for (std::size_t i = 1; i < depth; ++i) {
        innermost->push_back(Json::object());
        innermost = &(*innermost)[0]["k"];
        *innermost = Json::array();
    }
    return root;
}

} // namespace

void tst_JsonWriter::deepTreeBuiltInCode()
{
    constexpr std::size_t kDepth = 100000;
    const std::string text = JsonWriter::write(deepTree(kDepth), JsonWriter::Style::Compact);
    std::string expected = "[";
    for (std::size_t i = 1; i < kDepth; ++i)
        expected += "{\"k\":[";
    for (std::size_t i = 1; i < kDepth; ++i)
        expected += "]}";
    expected += "]";
    QVERIFY(text == expected);

    // Pretty output grows with the square of the depth, so a shallower tree checks it: the
    // innermost member sits inside 2 * depth - 2 containers, two spaces each.
    constexpr std::size_t kPrettyDepth = 1000;
    const std::string prettyText = JsonWriter::write(deepTree(kPrettyDepth));
    const std::string innermostLine
        = "\n" + std::string((2 * kPrettyDepth - 2) * 2, ' ') + "\"k\": []\n";
    QVERIFY(prettyText.find(innermostLine) != std::string::npos);
    const std::string tooDeep = "\n" + std::string((2 * kPrettyDepth - 1) * 2, ' ');
    QVERIFY(prettyText.find(tooDeep) == std::string::npos);
    QCOMPARE(prettyText.back(), ']');
}

void tst_JsonWriter::matchesNodeOnCorpus()
{
    std::vector<JsCorpusCase> cases;
    const QString error = loadJsCorpus(cases);
    if (!error.isEmpty())
        QFAIL(qPrintable(error));
    QVERIFY2(cases.size() >= 10000, "the corpus must hold at least 10,000 cases");

    int mismatches = 0;
    QString report;
    const auto mismatch = [&](const JsCorpusCase &c, const char *what, const std::string &expected,
                              const std::string &actual) {
        if (++mismatches > 5)
            return;
        report += QStringLiteral("\n[%1] %2\n  input:    %3\n  expected: %4\n  actual:   %5")
                      .arg(c.name, QString::fromLatin1(what), shown(c.input), shown(expected),
                           shown(actual));
    };
    for (const JsCorpusCase &c : cases) {
        const Result<Json> parsed = JsonReader::parse(c.input);
        if (!parsed) {
            mismatch(c, "rejected", c.pretty, parsed.error().message.toStdString());
            continue;
        }
        const std::string prettyText = JsonWriter::write(*parsed, JsonWriter::Style::Pretty);
        if (prettyText != c.pretty)
            mismatch(c, "Style::Pretty", c.pretty, prettyText);
        const std::string compactText = JsonWriter::write(*parsed, JsonWriter::Style::Compact);
        if (compactText != c.compact)
            mismatch(c, "Style::Compact", c.compact, compactText);
    }
    QVERIFY2(
        mismatches == 0,
        qPrintable(QStringLiteral("%1 outputs differ from Node's in %2 cases (first ones "
                                  "shown):%3")
                       .arg(QString::number(mismatches), QString::number(cases.size()), report)));
}

void tst_JsonWriter::adeFilesRoundTrip_data()
{
    QTest::addColumn<QString>("path");
    const QString worktree = runboard::test::adeFixtureWorktree();
    QVERIFY2(!worktree.isEmpty(), "tests/data/ade-worktree is missing");
    const QDir orchestration(worktree + QStringLiteral("/.ade/orchestration"));
    QTest::newRow("index.json") << orchestration.filePath(QStringLiteral("index.json"));
    const QStringList runs = orchestration.entryList({QStringLiteral("R-*")}, QDir::Dirs);
    QVERIFY2(!runs.isEmpty(), "the ADE fixture has no run folder");
    for (const QString &run : runs) {
        for (const QString &file :
             {QStringLiteral("manifest.json"), QStringLiteral("heartbeats.json")}) {
            const QString path = orchestration.filePath(run + QLatin1Char('/') + file);
            QTest::newRow(qPrintable(run + QLatin1Char('/') + file)) << path;
        }
    }
}

void tst_JsonWriter::adeFilesRoundTrip()
{
    QFETCH(QString, path);
    QFile file(path);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.errorString()));
    const QByteArray original = file.readAll();
    QVERIFY(!original.isEmpty());

    const Result<Json> parsed
        = JsonReader::parse(std::string_view(original.constData(), std::size_t(original.size())));
    QVERIFY2(parsed.isOk(), qPrintable(parsed.isOk() ? QString() : parsed.error().message));
    std::string written = JsonWriter::write(*parsed);
    // ADE writes heartbeats.json with a trailing newline after JSON.stringify's output.
    if (original.endsWith('\n'))
        written += '\n';
    QCOMPARE(QByteArray::fromStdString(written), original);
}

QTEST_APPLESS_MAIN(tst_JsonWriter)
#include "tst_jsonwriter.moc"
