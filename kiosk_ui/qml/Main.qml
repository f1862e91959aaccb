import QtQuick
import QtQuick.Window
import "."

// The kiosk shell. Python sets the context properties `shell` (ShellViewModel),
// `i18n` (Translations) and `teller` (TellerDesk); views only bind and forward taps.
Window {
    id: win
    title: "smartbranch kiosk"
    color: Theme.navyDeep
    visible: false

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
    }
}
