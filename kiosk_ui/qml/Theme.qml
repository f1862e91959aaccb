pragma Singleton
import QtQuick

// The kiosk's look in one place: calm blues, one warm accent for "get a person",
// large type for older customers, targets well above 120 px.
//
// Two display modes, for the session only (Main.qml binds them from shell):
//  - largeText: every size below grows 1.4× (textScale); write any other size as
//    Math.round(n * Theme.textScale), never a bare pixel size;
//  - highContrast: every colour switches to a WCAG-AAA palette (text ≥ 7:1 on its
//    background; tests/ui/test_display_modes.py computes every pair).
// Each colour is written `highContrast ? "<contrast>" : "<normal>"` (the test parses it).
QtObject {
    property bool largeText: false
    property bool highContrast: false
    readonly property real textScale: largeText ? 1.4 : 1.0

    readonly property string font: "Noto Sans CJK SC"

    readonly property color navy: highContrast ? "#000000" : "#0B2E4F"        // attract background, headings
    readonly property color navyDeep: highContrast ? "#000000" : "#071F36"
    readonly property color blue: highContrast ? "#00346E" : "#1565A8"        // primary actions
    readonly property color bluePressed: highContrast ? "#001F44" : "#0E4C82"
    readonly property color teal: highContrast ? "#00403A" : "#0F7C74"        // second service colour
    readonly property color amber: highContrast ? "#6E2200" : "#A8430E"       // call a teller: warm, stands out
    readonly property color amberPressed: highContrast ? "#4F1800" : "#8F380B"
    readonly property color page: highContrast ? "#FFFFFF" : "#F3F6FA"        // screen background
    readonly property color card: highContrast ? "#FFFFFF" : "#FFFFFF"
    readonly property color ink: highContrast ? "#000000" : "#142235"         // body text (≈15:1 on page)
    readonly property color inkSoft: highContrast ? "#1F1F1F" : "#44536A"     // secondary text (≈7:1)
    readonly property color line: highContrast ? "#000000" : "#D5DDE8"
    readonly property color disabledBg: highContrast ? "#FFFFFF" : "#E9EDF3"
    readonly property color disabledInk: highContrast ? "#2B2B2B" : "#465264" // still ≥ 6:1: the title must stay readable
    readonly property color warnBg: highContrast ? "#FFF1C2" : "#FFF4E5"
    readonly property color warnInk: highContrast ? "#3D1A00" : "#7A3A00"
    readonly property color onDark: highContrast ? "#FFFFFF" : "#FFFFFF"
    readonly property color onDarkSoft: highContrast ? "#FFFFFF" : "#C9D8E8"
    // The keyboard / PIN-pad focus ring: thick, and unlike any button colour.
    readonly property color focus: highContrast ? "#000000" : "#E8A100"
    readonly property int focusWidth: 8
    // Lines and outlines: thicker in high contrast, so edges do not depend on colour.
    readonly property int lineWidth: highContrast ? 4 : 2

    readonly property int huge: Math.round(112 * textScale)
    readonly property int title: Math.round(68 * textScale)
    readonly property int heading: Math.round(54 * textScale)
    readonly property int body: Math.round(40 * textScale)
    readonly property int small: Math.round(32 * textScale)
    readonly property int margin: 64
    readonly property int gap: 36
    readonly property int radius: 28
    readonly property int target: Math.round(140 * textScale)  // minimum touch target height
}
