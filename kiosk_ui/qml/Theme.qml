pragma Singleton
import QtQuick

// The kiosk's look in one place: calm blues, one warm accent for "get a person",
// large type for older customers, targets well above 120 px.
QtObject {
    readonly property string font: "Noto Sans CJK SC"

    readonly property color navy: "#0B2E4F"        // attract background, headings
    readonly property color navyDeep: "#071F36"
    readonly property color blue: "#1565A8"        // primary actions
    readonly property color bluePressed: "#0E4C82"
    readonly property color teal: "#0F7C74"        // second service colour
    readonly property color amber: "#A8430E"       // call a teller: warm, stands out
    readonly property color amberPressed: "#8F380B"
    readonly property color page: "#F3F6FA"        // screen background
    readonly property color card: "#FFFFFF"
    readonly property color ink: "#142235"         // body text (≈15:1 on page)
    readonly property color inkSoft: "#44536A"     // secondary text (≈7:1)
    readonly property color line: "#D5DDE8"
    readonly property color disabledBg: "#E9EDF3"
    readonly property color disabledInk: "#465264" // still ≥ 6:1: the title must stay readable
    readonly property color warnBg: "#FFF4E5"
    readonly property color warnInk: "#7A3A00"
    readonly property color onDark: "#FFFFFF"
    readonly property color onDarkSoft: "#C9D8E8"

    readonly property int huge: 112
    readonly property int title: 68
    readonly property int heading: 54
    readonly property int body: 40
    readonly property int small: 32
    readonly property int margin: 64
    readonly property int gap: 36
    readonly property int radius: 28
    readonly property int target: 140              // minimum touch target height
}
