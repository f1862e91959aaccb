import QtQuick
import "."

// Idle screen: bilingual welcome, what this machine does, "touch anywhere".
Rectangle {
    id: root
    objectName: "attractScreen"
    property string guidance: qsTr("Welcome. Touch the screen to start. You can also choose larger text or high contrast, or call a teller.")
    readonly property string first: shell.defaultLanguage
    // The second language on this screen: the next one configured, if there is one.
    readonly property string second: {
        var others = shell.languages.filter(function (l) { return l !== first })
        return others.length > 0 ? others[0] : ""
    }
    function both(text, context) {   // the line in the kiosk's language, and in the second one
        var ctx = context || "Attract"
        return [i18n.inLanguage(first, ctx, text),
                second === "" ? "" : i18n.inLanguage(second, ctx, text)]
    }
    gradient: Gradient {
        GradientStop { position: 0.0; color: Theme.navy }
        GradientStop { position: 1.0; color: Theme.navyDeep }
    }

    MouseArea {
        objectName: "attractStart"
        anchors.fill: parent
        onClicked: shell.startSession()
        // The PIN pad's first choice (voice guidance): ENTER starts, as a touch does.
        activeFocusOnTab: true
        readonly property string accessibleName: qsTr("Start")
        Accessible.role: Accessible.Button
        Accessible.name: accessibleName
        Keys.onReturnPressed: shell.startSession()
        Keys.onEnterPressed: shell.startSession()
    }

    // Branch and time.
    Row {
        anchors { left: parent.left; top: parent.top; margins: Theme.margin }
        spacing: 24
        IconDisc { icon: "bank.svg"; width: Math.round(104 * Theme.textScale); color: Theme.blue }
        Text {
            anchors.verticalCenter: parent.verticalCenter
            text: shell.branchName
            color: Theme.onDark
            font { family: Theme.font; pixelSize: Theme.body; weight: Font.Bold }
        }
    }
    Column {
        anchors { right: parent.right; top: parent.top; margins: Theme.margin }
        Text {
            anchors.right: parent.right
            text: shell.timeText
            color: Theme.onDark
            font { family: Theme.font; pixelSize: Math.round(88 * Theme.textScale); weight: Font.Light }
        }
        Text {
            anchors.right: parent.right
            text: shell.dateText
            color: Theme.onDarkSoft
            font { family: Theme.font; pixelSize: Theme.small - 2 }
        }
    }

    // Welcome.
    Column {
        anchors { horizontalCenter: parent.horizontalCenter; top: parent.top; topMargin: 430 }
        spacing: 18
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: root.both(QT_TRANSLATE_NOOP("Attract", "Welcome"))[0]
            color: Theme.onDark
            font { family: Theme.font; pixelSize: Math.round(150 * Theme.textScale); weight: Font.Bold }
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: root.both("Welcome")[1]
            visible: text !== ""
            color: Theme.onDarkSoft
            font { family: Theme.font; pixelSize: Math.round(84 * Theme.textScale) }
        }
        Item { width: 1; height: 30 }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: root.both(QT_TRANSLATE_NOOP("Attract", "Debit cards · Appointments · Help from a teller"))[0]
            color: Theme.onDark
            font { family: Theme.font; pixelSize: Theme.body }
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: root.both("Debit cards · Appointments · Help from a teller")[1]
            visible: text !== ""
            color: Theme.onDarkSoft
            font { family: Theme.font; pixelSize: Theme.small }
        }
    }

    // Touch anywhere: a hand that breathes once every few seconds. A running animation
    // redraws the whole screen every frame (3 % of a core on the idle kiosk, issue 17):
    // resting between breaths keeps the screen alive for passers-by at a quarter of that.
    Item {
        id: touchHint
        width: parent.width; height: 420
        anchors { top: parent.top; topMargin: 960 }
        Rectangle {
            id: pulse
            anchors.horizontalCenter: parent.horizontalCenter
            y: 10
            width: 180; height: 180; radius: 90
            color: "transparent"
            border { width: 6; color: Theme.onDarkSoft }
            scale: 0.85
            SequentialAnimation on scale {
                loops: Animation.Infinite
                NumberAnimation { from: 0.85; to: 1.15; duration: 1200; easing.type: Easing.InOutSine }
                NumberAnimation { from: 1.15; to: 0.85; duration: 1200; easing.type: Easing.InOutSine }
                PauseAnimation { duration: 7600 }
            }
        }
        IconDisc {
            anchors.centerIn: pulse
            width: 144
            icon: "touch.svg"
            color: Theme.blue
        }
        Column {
            anchors { horizontalCenter: parent.horizontalCenter; top: pulse.bottom; topMargin: 40 }
            spacing: 8
            Text {
                anchors.horizontalCenter: parent.horizontalCenter
                text: root.both(QT_TRANSLATE_NOOP("Attract", "Touch the screen to start"))[0]
                color: Theme.onDark
                font { family: Theme.font; pixelSize: Theme.heading; weight: Font.Bold }
            }
            Text {
                anchors.horizontalCenter: parent.horizontalCenter
                text: root.both("Touch the screen to start")[1]
            visible: text !== ""
                color: Theme.onDarkSoft
                font { family: Theme.font; pixelSize: Theme.body }
            }
        }
    }

    // Larger text / high contrast before anything else: each one also starts the session.
    DisplaySwitches {
        id: switches
        objectName: "attractDisplaySwitches"
        startsSession: true
        fill: true
        width: Math.min(widest, parent.width - 2 * Theme.margin)
        anchors { horizontalCenter: parent.horizontalCenter; bottom: tellerButton.top; bottomMargin: 50 }
        largeLabel: root.both("Larger text", "Shell").filter(Boolean).join("  ")
        contrastLabel: root.both("High contrast", "Shell").filter(Boolean).join("  ")
    }

    Text {
        visible: shell.starting
        anchors { horizontalCenter: parent.horizontalCenter; bottom: switches.top; bottomMargin: 30 }
        text: root.both(QT_TRANSLATE_NOOP("Attract", "Getting ready…")).filter(Boolean).join("  ·  ")
        color: Theme.onDarkSoft
        font { family: Theme.font; pixelSize: Theme.small - 4 }
    }

    TellerButton {
        id: tellerButton
        onDark: true
        anchors { horizontalCenter: parent.horizontalCenter; bottom: parent.bottom; bottomMargin: 70 }
    }
}
