import { formatInteger } from "../../assembly/decimal";
import { NUM_TEXT } from "../../assembly/memory";
import { formatFloat, parseJsonNumber as parseNumber, numberFloat, NUM_BIG_INT } from "../../assembly/json/number";
import { NUM_INT, NUM_FLOAT, scanNumber } from "../../assembly/json/number";
import { ERR_JSON_NOT_FINITE, ERR_JSON_SPACE, ERR_JSON_SYNTAX, ERR_JSON_NUMBER_LIMIT } from "../../assembly/abi";
import { IN, OUT, OUT_CAP, put, text, textAt } from "./util";

function ff(v: f64): string { return text(formatFloat(v, OUT, OUT_CAP)); }

describe("formatFloat", () => {
  it("writes Python repr", () => {
    expect(ff(0.0)).toBe("0.0");
    expect(ff(-0.0)).toBe("-0.0");
    expect(ff(100.0)).toBe("100.0");
    expect(ff(0.1)).toBe("0.1");
    expect(ff(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(ff(1e-5)).toBe("1e-05");
    expect(ff(0.0001)).toBe("0.0001");
    expect(ff(2.5e-7)).toBe("2.5e-07");
    expect(ff(1e16)).toBe("1e+16");
    expect(ff(1.5e16)).toBe("1.5e+16");
    expect(ff(1234500000000000.0)).toBe("1234500000000000.0");
    expect(ff(5e-324)).toBe("5e-324");
    expect(ff(1.7976931348623157e308)).toBe("1.7976931348623157e+308");
    expect(ff(-123.456)).toBe("-123.456");
    expect(ff(1e100)).toBe("1e+100");
  });
  it("refuses NaN and infinities", () => {
    expect(formatFloat(NaN, OUT, OUT_CAP)).toBe(ERR_JSON_NOT_FINITE);
    expect(formatFloat(Infinity, OUT, OUT_CAP)).toBe(ERR_JSON_NOT_FINITE);
    expect(formatFloat(-Infinity, OUT, OUT_CAP)).toBe(ERR_JSON_NOT_FINITE);
  });
  it("writes nothing past cap", () => {
    store<u8>(OUT + 4, 0x7a);
    expect(formatFloat(0.125, OUT, 4)).toBe(ERR_JSON_SPACE);
    expect(load<u8>(OUT + 4)).toBe(0x7a);
    expect(formatFloat(0.125, OUT, 5)).toBe(5);
  });
});

function int(u: u64, neg: bool): string { return textAt(NUM_TEXT, formatInteger(u, neg)); }

describe("formatInteger (assembly/decimal.ts)", () => {
  it("writes decimal over the whole range of both signs", () => {
    expect(int(0, false)).toBe("0");
    expect(int(42, true)).toBe("-42");
    expect(int(u64.MAX_VALUE, false)).toBe("18446744073709551615");
    expect(int(u64.MAX_VALUE, true)).toBe("-18446744073709551615");
    expect(int(<u64>1 << 63, true)).toBe("-9223372036854775808");
  });
});

describe("parseNumber", () => {
  it("tells ints from floats like Python", () => {
    expect(parseNumber(IN, put("12"))).toBe(NUM_INT);
    expect(parseNumber(IN, put("-9223372036854775808"))).toBe(NUM_INT);
    expect(parseNumber(IN, put("9223372036854775808"))).toBe(NUM_BIG_INT);
    expect(parseNumber(IN, put("9223372036854775807"))).toBe(NUM_INT);
    expect(parseNumber(IN, put("-9223372036854775809"))).toBe(NUM_BIG_INT);
    expect(parseNumber(IN, put("99999999999999999999"))).toBe(NUM_BIG_INT);
    expect(parseNumber(IN, put("-0"))).toBe(NUM_INT);
    expect(parseNumber(IN, put("1E2"))).toBe(NUM_FLOAT);
    expect(numberFloat()).toBe(100.0);
    expect(parseNumber(IN, put("-0.0"))).toBe(NUM_FLOAT);
    expect(1.0 / numberFloat()).toBe(-Infinity);
  });
  it("rounds correctly at the edges", () => {
    expect(parseNumber(IN, put("2.4703282292062328e-324"))).toBe(NUM_FLOAT);
    expect(numberFloat()).toBe(5e-324);
    expect(parseNumber(IN, put("2.4703282292062327e-324"))).toBe(NUM_FLOAT);
    expect(numberFloat()).toBe(0.0);
    expect(parseNumber(IN, put("9007199254740993.0"))).toBe(NUM_FLOAT);
    expect(numberFloat()).toBe(9007199254740992.0);
    expect(parseNumber(IN, put("1.7976931348623158e308"))).toBe(NUM_FLOAT);
    expect(numberFloat()).toBe(1.7976931348623157e308);
    expect(parseNumber(IN, put("1.7976931348623159e308"))).toBe(ERR_JSON_NOT_FINITE);
  });
  it("refuses what is not one JSON number", () => {
    expect(parseNumber(IN, put(""))).toBe(ERR_JSON_SYNTAX);
    expect(parseNumber(IN, put("01"))).toBe(ERR_JSON_SYNTAX);
    expect(parseNumber(IN, put("1."))).toBe(ERR_JSON_SYNTAX);
    expect(parseNumber(IN, put("+1"))).toBe(ERR_JSON_SYNTAX);
    expect(parseNumber(IN, put("1e"))).toBe(ERR_JSON_SYNTAX);
    expect(parseNumber(IN, put("1 "))).toBe(ERR_JSON_SYNTAX);
    expect(parseNumber(IN, put("1".repeat(4301)))).toBe(ERR_JSON_NUMBER_LIMIT);
    expect(parseNumber(IN, put("1".repeat(4300)))).toBe(NUM_BIG_INT);
  });
  it("scanNumber takes a whole number literal or none", () => {
    expect(scanNumber(IN, put("1.e5"))).toBe(0);
    expect(scanNumber(IN, put("-12.5e+3,"))).toBe(8);
    expect(scanNumber(IN, put("01"))).toBe(1);
    expect(scanNumber(IN, put("1e+"))).toBe(0);
    expect(scanNumber(IN, put("-x"))).toBe(0);
  });
  it("takes floats of any length, rounded as a whole (past 800 digits too)", () => {
    expect(parseNumber(IN, put("1." + "0".repeat(900) + "1"))).toBe(NUM_FLOAT);
    expect(numberFloat()).toBe(1.0);
    // 2.5 x 2^-1074: halfway between the subnormals 2 and 3 (x 2^-1074), 753 digits: ties to even (2); with a
    // nonzero digit at position 900 (past the 800 kept) just above (3); just below (2)
    expect(parseNumber(IN, put("1.23516411460311636044142198217055343091264950653581191106396420625168876817552187966324959090408998094949141173861429432731664177588984949099693699002695469531575178297577851131961454291962245525922179659014249682680762501596852288391246096828118349318292403785007928846349518531559641397792756664639171692046759890077656232986317897873113832326364136100281870032427499885482997352270104140831131189286967253681695039838809652887533700881623368004844756702677687292583305671118833393020810798402309572336459201502650287654245243826958556932958231197624563118269409398181196866402119455093361742488341175449316942939628141513779978287622277536275946568454181273895934743339974841620248529105142565927256981069188614130727188467062660492956638336181640625e-323"))).toBe(NUM_FLOAT);
    expect(reinterpret<u64>(numberFloat())).toBe(2);
    expect(parseNumber(IN, put("1.235164114603116360441421982170553430912649506535811911063964206251688768175521879663249590904089980949491411738614294327316641775889849490996936990026954695315751782975778511319614542919622455259221796590142496826807625015968522883912460968281183493182924037850079288463495185315596413977927566646391716920467598900776562329863178978731138323263641361002818700324274998854829973522701041408311311892869672536816950398388096528875337008816233680048447567026776872925833056711188333930208107984023095723364592015026502876542452438269585569329582311976245631182694093981811968664021194550933617424883411754493169429396281415137799782876222775362759465684541812738959347433399748416202485291051425659272569810691886141307271884670626604929566383361816406250000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001e-323"))).toBe(NUM_FLOAT);
    expect(reinterpret<u64>(numberFloat())).toBe(3);
    expect(parseNumber(IN, put("1.235164114603116360441421982170553430912649506535811911063964206251688768175521879663249590904089980949491411738614294327316641775889849490996936990026954695315751782975778511319614542919622455259221796590142496826807625015968522883912460968281183493182924037850079288463495185315596413977927566646391716920467598900776562329863178978731138323263641361002818700324274998854829973522701041408311311892869672536816950398388096528875337008816233680048447567026776872925833056711188333930208107984023095723364592015026502876542452438269585569329582311976245631182694093981811968664021194550933617424883411754493169429396281415137799782876222775362759465684541812738959347433399748416202485291051425659272569810691886141307271884670626604929566383361816406249999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999e-323"))).toBe(NUM_FLOAT);
    expect(reinterpret<u64>(numberFloat())).toBe(2);
  });
});
