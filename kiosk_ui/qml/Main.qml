import QtQuick
import QtQuick.Window
import "."

// The kiosk shell. Python sets the context properties `shell` (ShellViewModel),
// `i18n` (Translations), `teller` (TellerDesk) and `service` (ServiceModeModel: the
// technician's service mode); views only bind and forward taps.
Window {
    id: win
    title: "smartbranch kiosk"
    color: Theme.navyDeep
    visible: false

    // The customer's display modes (session only: the shell resets them at the attract screen).
    Binding { target: Theme; property: "largeText"; value: shell.largeText }
    Binding { target: Theme; property: "highContrast"; value: shell.highContrast }

    // Everything is laid out on a 1080×1920 portrait stage, scaled to the window.
    Item {
        id: stage
        objectName: "stage"
        width: 1080; height: 1920
        anchors.centerIn: parent
        scale: Math.min(win.width / width, win.height / height)

        readonly property bool sessionScreen: shell.screen !== "attract"

        Rectangle { anchors.fill: parent; color: Theme.page }

        Header {
            id: header
            visible: stage.sessionScreen
            anchors { left: parent.left; right: parent.right; top: parent.top }
        }

        Loader {
            id: screenLoader
            objectName: "screenLoader"
            anchors {
                left: parent.left; right: parent.right
                top: stage.sessionScreen ? header.bottom : parent.top
                bottom: stage.sessionScreen ? footer.top : parent.bottom
            }
            source: ({
                "attract": "AttractScreen.qml",
                "language": "LanguageScreen.qml",
                "menu": "MenuScreen.qml",
                "flow": "FlowHost.qml",
                "out-of-service": "OutOfServiceScreen.qml"
            })[shell.screen] || ""
        }

        Footer {
            id: footer
            visible: stage.sessionScreen
            flowPage: shell.screen === "flow" && screenLoader.item ? screenLoader.item.item : null
            anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        }

        Loader {
            id: overlayLoader
            objectName: "overlayLoader"
            anchors.fill: parent
            source: ({
                "timeout-prompt": "TimeoutPrompt.qml",
                "call-teller": "CallTellerOverlay.qml"
            })[shell.overlay] || ""
        }

        // Technician service mode covers everything while it is open.
        Loader {
            id: serviceLoader
            objectName: "serviceLoader"
            anchors.fill: parent
            active: service.active
            source: "service/ServiceMode.qml"
        }

        // The hidden way in was used while a customer is busy: a small line for the
        // technician, nothing a customer needs to read.
        Text {
            objectName: "serviceRefused"
            visible: service.entryRefused && !service.active
            anchors { left: parent.left; top: parent.top; margins: 12 }
            text: qsTr("Service mode: a customer is using this machine. Try again when it is free.")
            color: Theme.inkSoft
            font { family: Theme.font; pixelSize: Math.round(22 * Theme.textScale) }
        }
    }
}
