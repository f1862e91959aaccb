import QtQuick
import "."

// Idle screen: bilingual welcome, what this machine does, "touch anywhere".
Rectangle {
    id: root
    objectName: "attractScreen"
    readonly property string first: shell.defaultLanguage
    // The second language on this screen: the next one configured, if there is one.
    readonly property string second: {
        var others = shell.languages.filter(function (l) { return l !== first })
        return others.length > 0 ? others[0] : ""
    }
    function both(text) {   // the line in the kiosk's language, and in the second one
        return [i18n.inLanguage(first, "Attract", text),
                second === "" ? "" : i18n.inLanguage(second, "Attract", text)]
    }
    gradient: Gradient {
        GradientStop { position: 0.0; color: Theme.navy }
        GradientStop { position: 1.0; color: Theme.navyDeep }
    }

    MouseArea { anchors.fill: parent; onClicked: shell.startSession() }

    // Branch and time.
    Row {
        anchors { left: parent.left; top: parent.top; margins: Theme.margin }
        spacing: 24
        IconDisc { icon: "bank.svg"; width: 104; color: Theme.blue }
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
            font { family: Theme.font; pixelSize: 88; weight: Font.Light }
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
        anchors { horizontalCenter: parent.horizontalCenter; top: parent.top; topMargin: 520 }
        spacing: 18
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: root.both(QT_TRANSLATE_NOOP("Attract", "Welcome"))[0]
            color: Theme.onDark
            font { family: Theme.font; pixelSize: 150; weight: Font.Bold }
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: root.both("Welcome")[1]
            visible: text !== ""
            color: Theme.onDarkSoft
            font { family: Theme.font; pixelSize: 84 }
        }
        Item { width: 1; height: 40 }
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

    // Touch anywhere: a gently pulsing hand.
    Item {
        id: touchHint
        width: parent.width; height: 420
        anchors { top: parent.top; topMargin: 1130 }
        Rectangle {
            id: pulse
            anchors.horizontalCenter: parent.horizontalCenter
            y: 10
            width: 200; height: 200; radius: 100
            color: "transparent"
            border { width: 6; color: Theme.onDarkSoft }
            SequentialAnimation on scale {
                loops: Animation.Infinite
                NumberAnimation { from: 0.85; to: 1.15; duration: 1200; easing.type: Easing.InOutSine }
                NumberAnimation { from: 1.15; to: 0.85; duration: 1200; easing.type: Easing.InOutSine }
            }
        }
        IconDisc {
            anchors.centerIn: pulse
            width: 160
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

    Text {
        visible: shell.starting
        anchors { horizontalCenter: parent.horizontalCenter; bottom: tellerButton.top; bottomMargin: 40 }
        text: root.both(QT_TRANSLATE_NOOP("Attract", "Getting ready…")).filter(Boolean).join("  ·  ")
        color: Theme.onDarkSoft
        font { family: Theme.font; pixelSize: Theme.small - 4 }
    }

    TellerButton {
        id: tellerButton
        onDark: true
        anchors { horizontalCenter: parent.horizontalCenter; bottom: parent.bottom; bottomMargin: 90 }
    }
}
